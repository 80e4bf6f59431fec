/**
 * The ordered claim-mapping list as a value: each write computes the list it leads to, so the
 * lockout guard can compare before and after, and the store saves only what changed. Ranks are
 * always 1..n in list order.
 */
import type { ClaimMapping } from "../provider/schemas/api";

/** The fields of a rule that a PATCH may change besides its rank. */
export type RuleFields = Pick<ClaimMapping, "claim_name" | "claim_value" | "role_id">;

function renumbered(rules: readonly ClaimMapping[]): ClaimMapping[] {
  return rules.map((rule, index) => (rule.rank === index + 1 ? rule : { ...rule, rank: index + 1 }));
}

/** The list with `rule` appended last (how a POST places a new rule). */
export function withRuleAppended(list: readonly ClaimMapping[], id: string, fields: RuleFields): ClaimMapping[] {
  return [...list, { id, ...fields, rank: list.length + 1 }];
}

/** The list without the rule `id`; the rules after it move up one. */
export function withRuleRemoved(list: readonly ClaimMapping[], id: string): ClaimMapping[] {
  return renumbered(list.filter((rule) => rule.id !== id));
}

/**
 * The list with the rule `id` changed by `fields` and, if `rank` is given, moved there: "given
 * [a, b, c, d, e], updating the rank of c to 2 results in [a, c, b, d, e]". `rank` is 1..n.
 */
export function withRuleUpdated(
  list: readonly ClaimMapping[],
  id: string,
  fields: Partial<RuleFields>,
  rank: number | undefined,
): ClaimMapping[] {
  const index = list.findIndex((rule) => rule.id === id);
  if (index === -1) throw new Error(`no rule ${id} in the list`);
  const updated: ClaimMapping = { ...list[index]!, ...fields };
  const rest = list.filter((rule) => rule.id !== id);
  const target = rank === undefined ? index : rank - 1;
  return renumbered([...rest.slice(0, target), updated, ...rest.slice(target)]);
}
