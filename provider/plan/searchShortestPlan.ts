/**
 * The exact search the planner falls back on for small lists when no order of a shortest structure
 * keeps the guard (for example: without an SSO provider, going from owner rules to none, or creates
 * that must be appended in an order that shadows the only owner rule). Iterative deepening over
 * every call the API offers (create a desired rule; PATCH a rule to a desired content and/or any
 * rank; delete a rule), pruned by `minimumCalls`, which no sequence can beat.
 */
import { ownersCanSignIn } from "../rules/ownerSafety";
import { ruleKey, type ClaimRule, type LiveRule } from "../rules/rule";
import { fieldChanges, TEMP_ID_PREFIX, type ClaimMappingOperation, type PlanOptions } from "./operations";
import { minimumCalls } from "./structure";

/** Stops after generating this many candidate lists (the caller then falls back). */
const NODE_BUDGET = 400_000;

interface Entry {
  id: string;
  content: number;
}

/**
 * The shortest guard-respecting call sequence of length in [fromLength, maxLength], or null when there
 * is none or the search ran out of budget. `fixedPrefix` is a run of rules above both lists that the
 * sequence leaves alone: the guard judges the lists with it on top, and ranks count it.
 */
export function searchShortestPlan(
  live: readonly LiveRule[],
  desired: readonly ClaimRule[],
  options: PlanOptions,
  fromLength: number,
  maxLength: number,
  fixedPrefix: readonly ClaimRule[] = [],
): ClaimMappingOperation[] | null {
  const contents: ClaimRule[] = [];
  const byKey = new Map<string, number>();
  const intern = (r: ClaimRule): number => {
    const key = ruleKey(r);
    let n = byKey.get(key);
    if (n === undefined) {
      n = contents.length;
      byKey.set(key, n);
      contents.push({ claimName: r.claimName, claimValue: r.claimValue, role: r.role });
    }
    return n;
  };
  const target = desired.map(intern);
  const targetKey = target.join(",");
  const writable = [...new Set(target)];
  const start: Entry[] = live.map((r) => ({ id: r.id, content: intern(r) }));
  const safe = (list: readonly Entry[]): boolean =>
    ownersCanSignIn([...fixedPrefix, ...list.map((e) => contents[e.content]!)], options);
  const offset = fixedPrefix.length;
  const keyOf = (list: readonly Entry[]): string => list.map((e) => e.content).join(",");
  const lowerBound = (list: readonly Entry[]): number => minimumCalls(list.map((e) => e.content), target);

  let generated = 0;
  let nextTemp = 1;
  const path: ClaimMappingOperation[] = [];

  const successors = function* (list: readonly Entry[]): Generator<{ next: Entry[]; op: ClaimMappingOperation }> {
    for (const c of writable) {
      const tempId = `${TEMP_ID_PREFIX}${nextTemp}`;
      yield { next: [...list, { id: tempId, content: c }], op: { kind: "create", rule: { ...contents[c]! }, tempId } };
    }
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]!;
      const without = [...list.slice(0, i), ...list.slice(i + 1)];
      yield { next: without, op: { kind: "delete", id: entry.id } };
      const from = contents[entry.content]!;
      for (const c of new Set([entry.content, ...writable])) {
        const set = fieldChanges(from, contents[c]!);
        for (let at = 0; at <= without.length; at++) {
          if (c === entry.content && at === i) continue;
          const next = [...without.slice(0, at), { id: entry.id, content: c }, ...without.slice(at)];
          yield { next, op: { kind: "update", id: entry.id, set: at === i ? set : { ...set, rank: offset + at + 1 } } };
        }
      }
    }
  };

  const search = (list: Entry[], seenSafe: boolean, budget: number, explored: Map<string, number>): boolean => {
    const key = keyOf(list) + (seenSafe ? "|s" : "|u");
    if ((explored.get(key) ?? -1) >= budget) return false;
    explored.set(key, budget);
    for (const { next, op } of successors(list)) {
      if (++generated > NODE_BUDGET) return false;
      if (keyOf(next) === targetKey) {
        path.push(op);
        return true;
      }
      if (budget === 1 || lowerBound(next) > budget - 1) continue;
      const nextSafe = safe(next);
      if (options.enforceGuard && seenSafe && !nextSafe) continue;
      path.push(op);
      if (op.kind === "create") nextTemp++;
      if (search(next, seenSafe || nextSafe, budget - 1, explored)) return true;
      if (op.kind === "create") nextTemp--;
      path.pop();
    }
    return false;
  };

  if (keyOf(start) === targetKey) return fromLength <= 0 ? [] : null;
  const startSafe = safe(start);
  for (let bound = Math.max(fromLength, lowerBound(start), 1); bound <= maxLength; bound++) {
    path.length = 0;
    nextTemp = 1;
    if (search(start, startSafe, bound, new Map())) return path.slice();
    if (generated > NODE_BUDGET) return null;
  }
  return null;
}
