/**
 * The one way a claim-mapping rule is written for people: `email = a@x.io → Owner`, used by the
 * lockout guard's messages, the plan summary and the `evaluate` command alike.
 */
import type { ClaimRule } from "../schemas/claimMappings";

/** A rule as `claimName = claimValue → role`. */
export function describeClaimRule(rule: ClaimRule): string {
  return `${rule.claimName} = ${rule.claimValue} → ${rule.role}`;
}

/** A rule with its 1-based position, as `rule 3 (email = a@x.io → Owner)`. */
export function describeRuleAt(mappings: readonly ClaimRule[], index: number): string {
  return `rule ${index + 1} (${describeClaimRule(mappings[index]!)})`;
}
