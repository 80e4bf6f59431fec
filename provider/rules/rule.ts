/**
 * One claim-mapping rule and the ordered list of them, as the provider's logic sees it: the declared
 * shape, the live shape (with the workspace's id), and the few ways rules are compared, keyed and
 * written for people. Every other module takes these from here.
 */
import type { ClaimRule } from "../schemas/claimMappings";

export type { ClaimRule } from "../schemas/claimMappings";

/**
 * A rule as it exists in the workspace (or will, once a planned create is sent): its content, role by
 * name, and its id. Lists of them are in rank order, so a rule's rank is its index + 1.
 */
export type LiveRule = ClaimRule & { id: string };

/** A rule's content as one string: claim name, value and role (no separator can collide with them). */
export const ruleKey = (rule: ClaimRule): string => rule.claimName + "\0" + rule.claimValue + "\0" + rule.role;

/** What a rule matches, as one string: claim name and value. Two rules with the same one: the later never decides. */
export const claimKey = (rule: ClaimRule): string => rule.claimName + "\0" + rule.claimValue;

/** Whether two rules have the same content (ids aside). */
export function sameRule(a: ClaimRule, b: ClaimRule): boolean {
  return a.claimName === b.claimName && a.claimValue === b.claimValue && a.role === b.role;
}

/** Whether two lists have the same contents in the same order (ids aside). */
export function sameRuleList(a: readonly ClaimRule[], b: readonly ClaimRule[]): boolean {
  return a.length === b.length && a.every((rule, i) => sameRule(rule, b[i]!));
}

/** The content of a rule alone, dropping an id, rank or anything else it carries. */
export function bareRule(rule: ClaimRule): ClaimRule {
  return { claimName: rule.claimName, claimValue: rule.claimValue, role: rule.role };
}

/** What a rule matches, as people read it: `groups = sre`. */
export const ruleLabel = (rule: ClaimRule): string => `${rule.claimName} = ${rule.claimValue}`;

/** A rule as `claimName = claimValue → role`, the one way guard messages, plan summaries and the CLI write it. */
export function describeClaimRule(rule: ClaimRule): string {
  return `${ruleLabel(rule)} → ${rule.role}`;
}

/** A rule with its 1-based position, as `rule 3 (email = a@x.io → Owner)`. */
export function describeRuleAt(mappings: readonly ClaimRule[], index: number): string {
  return `rule ${index + 1} (${describeClaimRule(mappings[index]!)})`;
}
