/**
 * Turning the workspace's live claim-mapping list into the desired one with the fewest API calls,
 * never passing through a list that fails guard rules 1 or 2 (CONTRACT.md sections 3 and 5).
 *
 * 1. `chooseStructure` picks which live rules stay untouched (a longest common subsequence, weighed
 *    against creates that would then need a move), which are PATCHed (content and position in one
 *    call) into which desired rule, which are deleted and which desired rules are created. It costs
 *    `minimumCalls`, a bound no sequence of calls can beat (the argument is in structure.ts).
 * 2. `orderSafely` searches for an order of those calls, and a place in its gap for each PATCHed
 *    rule, in which every intermediate list passes the guard. Found: the plan is shortest.
 * 3. Otherwise the guard costs extra calls (seen only without an SSO provider, where a list with no
 *    owner e-mail rule passes but one whose owner rules are all shadowed does not, or with a desired
 *    list the guard refuses). `searchShortestPlan` then finds the shortest guard-respecting sequence
 *    exhaustively when the lists (below any run of rules they share at the top) are small; beyond that,
 *    `anchorPlan` gives a safe plan a few calls longer than the bound.
 */
import { ownersCanSignIn, type OwnerSafetyContext } from "../rules/ownerSafety";
import { ruleKey, type ClaimRule, type LiveRule } from "../rules/rule";
import { anchorPlan } from "./anchorPlan";
import { applyPlanToList, type ClaimMappingOperation, type ClaimMappingPlan, type PlanOptions } from "./operations";
import { orderSafely } from "./orderSafely";
import { searchShortestPlan } from "./searchShortestPlan";
import { chooseStructure } from "./structure";

export type { PlanOptions } from "./operations";

/** Lists this small (live + desired rules) get the exact search when the guard costs extra calls. */
const EXACT_SEARCH_MAX_RULES = 16;

/**
 * Whether every list strictly between `live` and the end of `ops` passes guard rules 1 and 2, from
 * the first one that does on when `live` does not.
 */
export function intermediatesPassGuard(live: readonly LiveRule[], ops: readonly ClaimMappingOperation[], context: OwnerSafetyContext): boolean {
  let seenSafe = ownersCanSignIn(live, context);
  let ok = true;
  applyPlanToList(live, ops, (list, index) => {
    if (index === ops.length - 1 || !ok) return;
    const safe = ownersCanSignIn(list, context);
    if (seenSafe && !safe) ok = false;
    seenSafe ||= safe;
  });
  return ok;
}

/**
 * The shortest sequence of claim-mapping API calls that turns `live` (in rank order, with ids; roles
 * by name) into `desired`. With `enforceGuard`, every list strictly between the two passes guard
 * rules 1 and 2 (from the first that does on, when the live list does not), and the sequence is the
 * shortest such one, except in the rare case the module comment describes (step 3, long lists).
 * `intermediatesSafe` in the result says whether the guard held all the way (it cannot when the
 * desired list itself fails it and no order avoids passing through such a list first).
 */
export function planClaimMappingChanges(live: readonly LiveRule[], desired: readonly ClaimRule[], options: PlanOptions): ClaimMappingPlan {
  const structure = chooseStructure(live, desired, "keepMost");
  let ops = orderSafely(live, desired, structure, options);
  if (ops === null) {
    // The other shortest structure sometimes leaves room the first did not.
    const other = chooseStructure(live, desired, "prefix");
    if (JSON.stringify(other) !== JSON.stringify(structure)) ops = orderSafely(live, desired, other, options);
  }
  if (ops === null) {
    const anchored = anchorPlan(live, desired, options);
    const anchoredSafe = anchored !== null && intermediatesPassGuard(live, anchored, options);
    // Long lists that share a run of rules at the top still get the exact search below that run,
    // which it then leaves alone.
    let same = 0;
    if (live.length + desired.length > EXACT_SEARCH_MAX_RULES) {
      while (same < live.length && same < desired.length && ruleKey(live[same]!) === ruleKey(desired[same]!)) same++;
    }
    if (live.length + desired.length - 2 * same <= EXACT_SEARCH_MAX_RULES) {
      const longest = anchoredSafe ? anchored.length - 1 : structure.calls + 4;
      ops = searchShortestPlan(live.slice(same), desired.slice(same), options, structure.calls, longest, desired.slice(0, same));
    }
    ops ??= anchoredSafe ? anchored : orderSafely(live, desired, structure, { ...options, enforceGuard: false })!;
  }
  const sent = ops.filter((op) => op.kind !== "update" || Object.keys(op.set).length > 0);
  return { ops: sent, apiCalls: sent.length, intermediatesSafe: intermediatesPassGuard(live, sent, options) };
}
