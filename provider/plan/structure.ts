/**
 * The shape of a shortest plan, ignoring the lockout guard: which live rules stay untouched, which are
 * PATCHed into which desired position, which are deleted and which desired rules are created; and
 * the number of calls that costs, which no plan can beat.
 */
import { claimKey, ruleKey, type ClaimRule } from "../rules/rule";

/** What becomes of each live rule, and which desired rules are created. */
export interface PlanStructure {
  /** For each live index: the desired index it ends up as, or -1 when it is deleted. */
  liveTarget: number[];
  /** For each live index: whether it is left untouched (same content, never moved). */
  untouched: boolean[];
  /** Desired indexes that are created and need no move (appended in this order, after all others). */
  creates: number[];
  /** Desired indexes that are created and then moved into place (only when inserting beats editing). */
  movedCreates: number[];
  /** The number of API calls the structure costs. */
  calls: number;
}

/**
 * Which of the shortest structures to build: `keepMost` leaves the most live rules untouched (so
 * inserting a rule at the top is a create and a move, not an edit of the rule below and a re-create of
 * it); `prefix` keeps untouched rules within the desired list's first min(n, m) rules.
 */
export type StructurePreference = "keepMost" | "prefix";

/** Length of the longest common subsequence of two sequences of comparable keys. */
export function longestCommonSubsequence<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let previous = new Int32Array(b.length + 1);
  let current = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/** The elements of `a` that a longest common subsequence of `a` and `b` keeps (elements compared with ===). */
export function commonSubsequence<T>(a: readonly T[], b: readonly T[]): Set<T> {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  // table[i][j] = LCS(a[i..), b[j..)), so the walk below goes forwards.
  const table = new Int32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1]! + 1 : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
    }
  }
  const kept = new Set<T>();
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[i] === b[j]) {
      kept.add(a[i]!);
      i++;
      j++;
    } else if (table[(i + 1) * width + j]! >= table[i * width + j + 1]!) i++;
    else j++;
  }
  return kept;
}

/**
 * The fewest calls that turn a list into another when the guard is not a concern:
 * max(n, m) - LCS(live, desired[0 .. min(n, m))).
 *
 * Why no plan does better: the rules a plan never PATCHes nor deletes keep their content and
 * relative order (a common subsequence U of both lists), and rules it creates and never PATCHes sit,
 * in creation order, after all of U. Every other surviving live rule costs at least one PATCH, every
 * deleted one a DELETE, every created one a POST, plus a PATCH if it has to move. With k live rules
 * surviving that is (n - k) + (m - k) + (k - |U|) + (moved creates). A deleted live rule and a created
 * desired rule can always be traded for one PATCH of the former into the latter, so a best plan keeps
 * k = min(n, m). When m > n, the m - n creates that need no move must come after the last rule of U
 * in the desired order, so U reaching desired position p > n costs p - n moved creates: exactly what
 * it gains at most over a U within the first n positions. Hence the formula, and a structure that
 * meets it (below) exists.
 */
export function minimumCalls<T>(live: readonly T[], desired: readonly T[]): number {
  const k = Math.min(live.length, desired.length);
  return Math.max(live.length, desired.length) - longestCommonSubsequence(live, desired.slice(0, k));
}

/**
 * A structure that meets `minimumCalls`. A common subsequence U of the live list and the desired
 * list's first j rules stays untouched, with j chosen so that |U| - max(0, j - n) is largest (that is
 * the bound; `preference` breaks ties). Every other live rule is PATCHed into one of the other desired
 * positions (or deleted, when the live list is longer). When the desired list is longer, the m - n
 * created rules take the last positions, appended without a move; if U reaches past position n, the
 * positions left over before its end are created and moved.
 */
export function chooseStructure(live: readonly ClaimRule[], desired: readonly ClaimRule[], preference: StructurePreference = "keepMost"): PlanStructure {
  const n = live.length;
  const m = desired.length;
  const liveKeys = live.map(ruleKey);
  const desiredKeys = desired.map(ruleKey);

  // table[i][j] = LCS(live[0..i), desired[0..j)).
  const width = m + 1;
  const table = new Int32Array((n + 1) * width);
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      table[i * width + j] =
        liveKeys[i - 1] === desiredKeys[j - 1]
          ? table[(i - 1) * width + j - 1]! + 1
          : Math.max(table[(i - 1) * width + j]!, table[i * width + j - 1]!);
    }
  }
  const value = (j: number): number => table[n * width + j]! - Math.max(0, j - n);
  let reach = Math.min(n, m);
  if (preference === "keepMost") {
    for (let j = m; j > reach; j--) {
      if (value(j) === value(reach)) {
        reach = j;
        break;
      }
    }
  }

  const liveTarget = new Array<number>(n).fill(-1);
  const untouched = new Array<boolean>(n).fill(false);
  const desiredTaken = new Array<boolean>(m).fill(false);
  let kept = 0;
  let lastKept = -1;
  for (let i = n, j = reach; i > 0 && j > 0; ) {
    if (liveKeys[i - 1] === desiredKeys[j - 1] && table[i * width + j] === table[(i - 1) * width + j - 1]! + 1) {
      liveTarget[i - 1] = j - 1;
      untouched[i - 1] = true;
      desiredTaken[j - 1] = true;
      if (kept++ === 0) lastKept = j - 1;
      i--;
      j--;
    } else if (table[(i - 1) * width + j]! >= table[i * width + j - 1]!) {
      i--;
    } else {
      j--;
    }
  }

  // Created rules: the last free positions, as many as fit after the last untouched rule (those are
  // appended in order and never move); when more must be created, the rest are moved into place.
  const toCreate = Math.max(0, m - n);
  const creates: number[] = [];
  for (let j = m - 1; j > lastKept && creates.length < toCreate; j--) {
    creates.unshift(j);
    desiredTaken[j] = true;
  }

  // The other live rules fill the other free positions. Any pairing costs one PATCH each; pair equal
  // contents first (a pure move), then the same claim and value (a role change), then the same
  // claim, so the plan reads as the change the user made.
  const openDesired: number[] = [];
  for (let j = 0; j < m; j++) if (!desiredTaken[j]) openDesired.push(j);
  const tiers: ((r: ClaimRule) => string)[] = [ruleKey, claimKey, (r) => r.claimName, () => ""];
  for (const tier of tiers) {
    const waiting = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      if (untouched[i] || liveTarget[i] !== -1) continue;
      const key = tier(live[i]!);
      const queue = waiting.get(key);
      if (queue) queue.push(i);
      else waiting.set(key, [i]);
    }
    for (const j of openDesired) {
      if (desiredTaken[j]) continue;
      const i = waiting.get(tier(desired[j]!))?.shift();
      if (i === undefined) continue;
      liveTarget[i] = j;
      desiredTaken[j] = true;
    }
  }
  const movedCreates = openDesired.filter((j) => !desiredTaken[j]);
  const calls = n - kept + creates.length + 2 * movedCreates.length;
  return { liveTarget, untouched, creates, movedCreates, calls };
}
