/** Shorthands for writing claim-mapping lists in plan tests. */
import type { LiveRule } from "../../../provider/plan";
import type { ClaimRule } from "../../../provider/schemas/claimMappings";

export const rule = (claimName: string, claimValue: string, role: string): ClaimRule => ({ claimName, claimValue, role });
export const ownerEmail = (address: string): ClaimRule => rule("email", address, "Owner");
export const group = (name: string, role = "Viewer"): ClaimRule => rule("groups", name, role);

/** Gives a list ids r1, r2, … in rank order, as the workspace would. */
export const withIds = (rules: readonly ClaimRule[]): LiveRule[] => rules.map((r, i) => ({ ...r, id: `r${i + 1}` }));

/** The contents of a list, without ids. */
export const contents = (rules: readonly ClaimRule[]): ClaimRule[] =>
  rules.map(({ claimName, claimValue, role }) => ({ claimName, claimValue, role }));
