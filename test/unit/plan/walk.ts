/**
 * Walking a plan the way a reviewer of the lockout promise would: every list it passes through, and
 * the first one that breaks guard rules 1 or 2 when it must not. Uses the guard's own check, not the
 * planner's.
 */
import { ownersCanSignIn } from "../../../provider/rules/ownerSafety";

const isLockoutSafe = (list: Parameters<typeof ownersCanSignIn>[0], ssoProviderExists: boolean): boolean => ownersCanSignIn(list, { ssoProviderExists });
import { applyPlanToList, type ClaimMappingOperation, type LiveRule } from "../../../provider/plan";
import type { ClaimRule } from "../../../provider/schemas/claimMappings";
import { contents } from "./fixtures";

/** The lists after each operation (the last one is the plan's result). */
export function listsAlong(live: readonly LiveRule[], ops: readonly ClaimMappingOperation[]): ClaimRule[][] {
  const lists: ClaimRule[][] = [];
  applyPlanToList(live, ops, (list) => lists.push(contents(list)));
  return lists;
}

/**
 * The 1-based number of the first operation after which the list fails guard rules 1 or 2 although
 * the live list, or an earlier intermediate list, passed them; null when there is none. The list after
 * the last operation is the desired one and is not an intermediate.
 */
export function firstLockoutStep(live: readonly LiveRule[], ops: readonly ClaimMappingOperation[], ssoProviderExists: boolean): number | null {
  let seenSafe = isLockoutSafe(live, ssoProviderExists);
  const lists = listsAlong(live, ops);
  for (let i = 0; i < lists.length - 1; i++) {
    const safe = isLockoutSafe(lists[i]!, ssoProviderExists);
    if (seenSafe && !safe) return i + 1;
    seenSafe ||= safe;
  }
  return null;
}
