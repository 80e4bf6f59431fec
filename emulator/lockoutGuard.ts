/**
 * [local] The workspace's own lockout guard, defence in depth behind the provider's: it refuses
 * (409 LOCKOUT_PREVENTED) the writes that would leave the workspace's owners unable to sign in,
 * unless the request carries `allow_lockout=true`.
 */
import type { ClaimMapping } from "../provider/schemas/api";
import { EMAIL_CLAIM } from "../provider/schemas/claimMappings";
import { invalidArgument, lockoutPrevented } from "./http/apiError";
import { OWNER_ROLE_ID } from "./store/presetRoles";

type Rule = Pick<ClaimMapping, "id" | "claim_name" | "claim_value" | "role_id">;

const HOW_TO_PROCEED = "keep or add a rule mapping claim email to Owner first, or send allow_lockout=true to proceed anyway";

/**
 * The owner e-mail mappings (claim `email` → role Owner) that some identity can reach: no earlier
 * rule with the same claim name and value gives another role.
 */
export function reachableOwnerEmailMappings(list: readonly Rule[]): Rule[] {
  return list.filter(
    (rule, index) =>
      rule.claim_name === EMAIL_CLAIM &&
      rule.role_id === OWNER_ROLE_ID &&
      !list
        .slice(0, index)
        .some((earlier) => earlier.claim_name === rule.claim_name && earlier.claim_value === rule.claim_value && earlier.role_id !== OWNER_ROLE_ID),
  );
}

/** The `allow_lockout` query parameter: absent or `false` → false, `true` → true, anything else → 400. */
export function allowLockoutRequested(query: URLSearchParams): boolean {
  const value = query.get("allow_lockout");
  if (value === null || value === "false") return false;
  if (value === "true") return true;
  throw invalidArgument("allow_lockout", "allow_lockout must be true or false");
}

function describe(rules: readonly Rule[]): string {
  return rules.map((rule) => `rule ${rule.id} (${rule.claim_name} = "${rule.claim_value}")`).join(", ");
}

/**
 * Refuses a claim-mapping write that turns a list with a reachable owner e-mail mapping into one
 * without, while the workspace has an SSO provider.
 */
export function guardClaimMappingWrite(before: readonly Rule[], after: readonly Rule[], providerExists: boolean): void {
  if (!providerExists) return;
  const reachableBefore = reachableOwnerEmailMappings(before);
  if (reachableBefore.length === 0 || reachableOwnerEmailMappings(after).length > 0) return;
  throw lockoutPrevented(
    `lockout prevented: this change leaves no reachable owner e-mail mapping while an SSO provider exists ` +
      `(it removes or shadows ${describe(reachableBefore)}), so owners could no longer sign in; ${HOW_TO_PROCEED}`,
  );
}

/** Refuses `sso_only: true` without an enabled provider and a reachable owner e-mail mapping. */
export function guardSsoOnly(providerEnabled: boolean | undefined, list: readonly Rule[]): void {
  if (providerEnabled !== true) {
    throw lockoutPrevented(
      `lockout prevented: sso_only cannot be turned on without an enabled SSO provider, or no one could sign in; ` +
        `configure and enable the provider first, or send allow_lockout=true to proceed anyway`,
    );
  }
  if (reachableOwnerEmailMappings(list).length === 0) {
    throw lockoutPrevented(`lockout prevented: sso_only cannot be turned on without a reachable owner e-mail mapping; ${HOW_TO_PROCEED}`);
  }
}

/** Refuses deleting or disabling the provider while SSO-only login is enforced. */
export function guardProviderRemoval(action: "delete" | "disable", ssoOnly: boolean): void {
  if (!ssoOnly) return;
  throw lockoutPrevented(
    `lockout prevented: the SSO provider cannot be ${action === "delete" ? "deleted" : "disabled"} while sso_only is on, ` +
      `or no one could sign in; turn sso_only off first, or send allow_lockout=true to proceed anyway`,
  );
}
