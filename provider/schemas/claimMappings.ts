/**
 * The inputs and outputs of `torq.ClaimMappings`: the workspace's whole, ordered claim-mapping list.
 */
import { z } from "zod";

/** Torq's preset role that may administer the workspace, and so the one the lockout guard protects. */
export const OWNER_ROLE = "Owner";

/** The claim whose mappings to `Owner` keep the owners able to sign in. */
export const EMAIL_CLAIM = "email";

export const claimRuleSchema = z
  .object({
    claimName: z.string().describe("The claim the IdP sends, e.g. `email` or `groups` (case-sensitive)."),
    claimValue: z.string().describe("The value the claim must equal (case-sensitive); for a list-valued claim, any element."),
    role: z.string().describe("The Torq role name to give, as the workspace lists it (e.g. `Owner`, `Viewer`)."),
  })
  .describe("One claim-mapping rule.")
  .meta({ id: "ClaimRule" });
/** One rule of the ordered list, as the user declares it (role by name). */
export type ClaimRule = z.output<typeof claimRuleSchema>;

/** The claims an identity presents: one value or a list per claim name. */
export const claimsSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
export type Claims = z.output<typeof claimsSchema>;

export const expectationSchema = z
  .object({
    claims: claimsSchema.describe("The identity's claims, e.g. `{ email: \"a@x.io\", groups: [\"sre\"] }`."),
    role: z.string().nullable().describe("The role it must get; `null` when no rule may match."),
  })
  .describe("An identity whose resulting role is checked at preview.")
  .meta({ id: "Expectation" });
export type Expectation = z.output<typeof expectationSchema>;

export const claimMappingsInputsSchema = z.object({
  mappings: z
    .array(claimRuleSchema)
    .describe("The ordered rules, evaluated top-down; the first match decides the role. Rules in the workspace that are not declared are removed."),
  breakGlassOwners: z
    .array(z.string())
    .optional()
    .describe("E-mail addresses that must still resolve to `Owner`."),
  expectations: z.array(expectationSchema).optional().describe("Identities whose resulting role is checked at preview."),
  allowLockout: z
    .boolean()
    .optional()
    .describe("The only way to apply a plan the lockout guard refuses. Default `false`."),
});
export type ClaimMappingsInputs = z.output<typeof claimMappingsInputsSchema>;

/** A rule as applied in the workspace. */
export const appliedClaimRuleSchema = z
  .object({
    ...claimRuleSchema.shape,
    id: z.string().describe("The rule's id in the workspace."),
    rank: z.number().int().describe("The rule's 1-based position."),
  })
  .describe("A rule as applied, with its id and rank.")
  .meta({ id: "AppliedClaimRule" });

/** What `ClaimMappings` outputs besides its inputs. */
export const claimMappingsOutputsSchema = z.object({
  mappings: z.array(appliedClaimRuleSchema).describe("The rules as applied, each with its `id` and `rank`."),
});
export type AppliedClaimRule = z.output<typeof appliedClaimRuleSchema>;
