/**
 * How Torq decides an SSO identity's role from the claim-mapping list: top-down, the first rule whose
 * claim equals the value (case-sensitive; for a list-valued claim, any element) decides.
 */
import type { ClaimRule, Claims } from "../schemas/claimMappings";

/** The outcome of evaluating one identity: the role it gets and the 0-based index of the deciding rule. */
export interface ClaimEvaluation {
  /** The role name the deciding rule gives; `null` when no rule matches. */
  role: string | null;
  /** The 0-based position of the deciding rule in the list; `null` when no rule matches. */
  ruleIndex: number | null;
}

/** An evaluator compiled from one list of rules; call it once per identity. */
export type ClaimEvaluator = (claims: Claims) => ClaimEvaluation;

/**
 * Indexes the rules once (claim name → claim value → first rule with them) so that evaluating an
 * identity costs one look-up per claim value it presents, whatever the number of rules. Two nested
 * maps rather than one keyed by `name + NUL + value`: no string is built per look-up, which makes
 * evaluation several times faster, and no separator can collide.
 */
export function compileClaimRules(mappings: readonly ClaimRule[]): ClaimEvaluator {
  const firstIndex = new Map<string, Map<string, number>>();
  const roles: string[] = [];
  for (let i = 0; i < mappings.length; i++) {
    const rule = mappings[i]!;
    roles.push(rule.role);
    let byValue = firstIndex.get(rule.claimName);
    if (byValue === undefined) firstIndex.set(rule.claimName, (byValue = new Map()));
    // Later rules with the same claim and value are unreachable: the first one always decides.
    if (!byValue.has(rule.claimValue)) byValue.set(rule.claimValue, i);
  }
  return (claims: Claims): ClaimEvaluation => {
    let best = -1;
    for (const claimName of Object.keys(claims)) {
      const byValue = firstIndex.get(claimName);
      if (byValue === undefined) continue;
      const value = claims[claimName];
      if (typeof value === "string") {
        const index = byValue.get(value);
        if (index !== undefined && (best === -1 || index < best)) best = index;
      } else if (Array.isArray(value)) {
        for (const element of value) {
          const index = byValue.get(element);
          if (index !== undefined && (best === -1 || index < best)) best = index;
        }
      }
    }
    return best === -1 ? { role: null, ruleIndex: null } : { role: roles[best]!, ruleIndex: best };
  };
}

/** The role an identity with these claims gets from the list, and the 0-based index of the rule that decides it. */
export function evaluateClaims(mappings: readonly ClaimRule[], claims: Claims): ClaimEvaluation {
  return compileClaimRules(mappings)(claims);
}
