/**
 * [local] The workspace's own lockout guard, defence in depth behind the provider's: it refuses
 * (409 LOCKOUT_PREVENTED) the writes that would leave the workspace's owners unable to sign in,
 * unless the request carries `allow_lockout=true`.
 *
 * Written from CONTRACT.md (section 3, rule 2; section 5) and deliberately independent of
 * `provider/`: a server must not trust its client, so it does not share the client's evaluator
 * either — a bug there must not switch the server's check off too. A property test compares the two.
 */
import { invalidArgument, lockoutPrevented } from "./http/apiError";

/** What the guard looks at in a rule. */
export interface GuardedRule {
  readonly claim_name: string;
  readonly claim_value: string;
  readonly role_id: string;
}

/** The claim an owner e-mail rule matches on (exactly this name; claim names are case-sensitive). */
export const EMAIL_CLAIM = "email";

const HOW_TO_PROCEED =
  "keep or add a rule mapping claim email to Owner above every rule on another claim that gives another role, " +
  "or send allow_lockout=true to proceed anyway";

/**
 * The owner e-mail rules (claim `email` → an Owner role) that an owner whose other claims are
 * unknown can reach, in list order. A rule is unreachable when an earlier rule
 * (a) is an e-mail rule with the same value, whatever its role (if that one is itself an owner
 *     e-mail rule, it is the reachable one), or
 * (b) is on a claim other than `email`, gives a role other than Owner, and is the first rule with its
 *     claim and value: it could match the owner's groups or any other claim we do not know. An
 *     earlier non-e-mail rule that gives Owner does not shadow (whoever it matches is an Owner
 *     anyway), and neither does one below another with its claim and value (it never decides).
 */
export function reachableOwnerEmailRules<Rule extends GuardedRule>(rules: readonly Rule[], ownerRoleIds: ReadonlySet<string>): Rule[] {
  const reachable: Rule[] = [];
  const emailValuesSeen = new Set<string>();
  const otherClaimsSeen = new Set<string>();
  for (const rule of rules) {
    if (rule.claim_name === EMAIL_CLAIM) {
      if (emailValuesSeen.has(rule.claim_value)) continue;
      emailValuesSeen.add(rule.claim_value);
      if (ownerRoleIds.has(rule.role_id)) reachable.push(rule);
      continue;
    }
    // A rule below another with the same claim and value never decides, so it shadows nothing.
    const pair = `${rule.claim_name}\u0000${rule.claim_value}`;
    if (otherClaimsSeen.has(pair)) continue;
    otherClaimsSeen.add(pair);
    if (!ownerRoleIds.has(rule.role_id)) break; // (b): every rule below may be shadowed for an owner with unknown claims
  }
  return reachable;
}

/** Whether `rules` has an owner e-mail rule that an owner whose other claims are unknown can reach. */
export function hasReachableOwnerEmailRule(rules: readonly GuardedRule[], ownerRoleIds: ReadonlySet<string>): boolean {
  return reachableOwnerEmailRules(rules, ownerRoleIds).length > 0;
}

/** The `allow_lockout` query parameter: absent or `false` → false, `true` → true, anything else → 400. */
export function allowLockoutRequested(query: URLSearchParams): boolean {
  const value = query.get("allow_lockout");
  if (value === null || value === "false") return false;
  if (value === "true") return true;
  throw invalidArgument("allow_lockout", "allow_lockout must be true or false");
}

/** A rule as the guard's messages name it. */
export interface NamedRule {
  readonly id: string;
  readonly claim_name: string;
  readonly claim_value: string;
}

function describe(rules: readonly NamedRule[]): string {
  return rules.map((rule) => `rule ${rule.id} (${rule.claim_name} = "${rule.claim_value}")`).join(", ");
}

/**
 * Refuses a claim-mapping write that turns a list with a reachable owner e-mail rule into one
 * without, while the workspace has an SSO provider. `reachableBefore` are the reachable owner
 * e-mail rules before the write, `reachableAfter` whether any is left after it.
 */
export function guardClaimMappingWrite(reachableBefore: readonly NamedRule[], reachableAfter: boolean): void {
  if (reachableBefore.length === 0 || reachableAfter) return;
  throw lockoutPrevented(
    `lockout prevented: this change leaves no reachable owner e-mail mapping while an SSO provider exists ` +
      `(it removes or shadows ${describe(reachableBefore)}), so owners could no longer sign in; ${HOW_TO_PROCEED}`,
  );
}

/** Refuses `sso_only: true` without an enabled provider and a reachable owner e-mail rule. */
export function guardSsoOnly(providerEnabled: boolean | undefined, hasReachableOwnerRule: boolean): void {
  if (providerEnabled !== true) {
    throw lockoutPrevented(
      `lockout prevented: sso_only cannot be turned on without an enabled SSO provider, or no one could sign in; ` +
        `configure and enable the provider first, or send allow_lockout=true to proceed anyway`,
    );
  }
  if (!hasReachableOwnerRule) {
    throw lockoutPrevented(
      `lockout prevented: sso_only cannot be turned on without a reachable owner e-mail mapping ` +
        `(an owner e-mail rule with no earlier rule on the same e-mail, nor on another claim giving another role); ${HOW_TO_PROCEED}`,
    );
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
