/**
 * An exhaustive referee for the planner's minimality: an iterative-deepening search over every
 * sequence of API calls (create any desired rule's content; PATCH any rule to any desired content
 * and/or any rank; delete any rule) that finds the length of the shortest sequence turning one list
 * into another while respecting the lockout guard on every intermediate list. It shares no code with
 * the planner (not even the safety check), so agreeing with it means something.
 */
import type { ClaimRule } from "../../../provider/schemas/claimMappings";

export interface RefereeOptions {
  ssoProviderExists: boolean;
  enforceGuard: boolean;
  /** Give up (return null) beyond this many operations. */
  maxLength: number;
  /** Give up (throw) after visiting this many states, so a test cannot hang. */
  maxStates?: number;
}

const contentKey = (r: ClaimRule): string => JSON.stringify([r.claimName, r.claimValue, r.role]);

/**
 * The length of the shortest operation sequence from `live` to `desired` whose intermediate lists
 * (all but the last) pass guard rules 1 and 2 once one has (or from the start, when `live` does);
 * null when there is none of at most `maxLength` operations.
 */
export function shortestSafeSequence(live: readonly ClaimRule[], desired: readonly ClaimRule[], options: RefereeOptions): number | null {
  // Contents become small integers; only desired contents can be written, live ones only exist.
  const contents: ClaimRule[] = [];
  const idOf = new Map<string, number>();
  const intern = (r: ClaimRule): number => {
    const key = contentKey(r);
    let id = idOf.get(key);
    if (id === undefined) {
      id = contents.length;
      idOf.set(key, id);
      contents.push(r);
    }
    return id;
  };
  const target = desired.map(intern);
  const writable = [...new Set(target)];
  const start = live.map(intern);

  // Safety, written independently of provider/rules: an owner e-mail rule keeps the owners in when
  // nothing above it can decide first for an owner whose other claims are unknown — no rule with its
  // claim and value, and no rule on another claim giving another role (it could match the owner's
  // groups) that is the first with its claim and value. With an SSO provider, having no owner e-mail
  // rule at all is a lockout.
  const pairOf = contents.map((c) => `${c.claimName}\u0001${c.claimValue}`);
  const ownerEmail = contents.map((c) => c.claimName === "email" && c.role === "Owner");
  const blocksEveryone = contents.map((c) => c.claimName !== "email" && c.role !== "Owner");
  const safe = (list: readonly number[]): boolean => {
    let owners = 0;
    let reachable = false;
    list.forEach((c, i) => {
      if (!ownerEmail[c]) return;
      owners++;
      const above = list.slice(0, i);
      // A rule below another with the same claim and value never decides, so it shadows nothing.
      const decides = (d: number, j: number): boolean => !above.slice(0, j).some((e) => pairOf[e] === pairOf[d]);
      if (!above.some((d, j) => pairOf[d] === pairOf[c] || (blocksEveryone[d] && decides(d, j)))) reachable = true;
    });
    return reachable || (owners === 0 && !options.ssoProviderExists);
  };

  const wanted = new Map<number, number>();
  for (const c of target) wanted.set(c, (wanted.get(c) ?? 0) + 1);
  const targetKey = target.join(",");
  // Admissible: each call removes at most one content and adds at most one.
  const lowerBound = (list: readonly number[]): number => {
    const have = new Map<number, number>();
    for (const c of list) have.set(c, (have.get(c) ?? 0) + 1);
    let surplus = 0;
    let deficit = 0;
    for (const [c, n] of have) surplus += Math.max(0, n - (wanted.get(c) ?? 0));
    for (const [c, n] of wanted) deficit += Math.max(0, n - (have.get(c) ?? 0));
    const bound = Math.max(surplus, deficit);
    return bound === 0 && list.join(",") !== targetKey ? 1 : bound;
  };

  const successors = (list: readonly number[]): number[][] => {
    const out = new Map<string, number[]>();
    const add = (next: number[]) => out.set(next.join(","), next);
    for (const c of writable) add([...list, c]);
    for (let i = 0; i < list.length; i++) {
      const without = [...list.slice(0, i), ...list.slice(i + 1)];
      add(without);
      for (const c of new Set([...writable, list[i]!])) {
        for (let at = 0; at <= without.length; at++) {
          if (c === list[i] && at === i) continue;
          add([...without.slice(0, at), c, ...without.slice(at)]);
        }
      }
    }
    return [...out.values()];
  };

  const maxStates = options.maxStates ?? 5_000_000;
  let visited = 0;
  const startSafe = safe(start);
  if (start.join(",") === targetKey) return 0;
  for (let bound = lowerBound(start); bound <= options.maxLength; bound++) {
    // state key → the largest remaining budget with which it was already explored without success
    const explored = new Map<string, number>();
    const search = (list: number[], seenSafe: boolean, budget: number): boolean => {
      if (++visited > maxStates) throw new Error(`referee gave up after ${maxStates} states`);
      if (lowerBound(list) > budget) return false;
      const key = list.join(",") + (seenSafe ? "|s" : "|u");
      if ((explored.get(key) ?? -1) >= budget) return false;
      explored.set(key, budget);
      for (const next of successors(list)) {
        if (next.join(",") === targetKey) return true;
        if (budget === 1) continue;
        const nextSafe = safe(next);
        if (options.enforceGuard && seenSafe && !nextSafe) continue;
        if (search(next, seenSafe || nextSafe, budget - 1)) return true;
      }
      return false;
    };
    if (search(start, startSafe, bound)) return bound;
  }
  return null;
}
