/**
 * Putting the calls of a shortest structure in an order the lockout guard accepts: a depth-first
 * search over which pending call to send next (and, for a PATCH, where in its allowed gap to put the
 * rule), trying first the calls that cannot hurt. Every rank is computed on the list as it is at that
 * moment.
 */
import { EMAIL_CLAIM, OWNER_ROLE, type ClaimRule } from "../schemas/claimMappings";
import { TEMP_ID_PREFIX, type ClaimMappingOperation, type LiveRule } from "./operations";
import type { PlanStructure } from "./structure";

/** What the guard needs to know to judge a list. */
export interface GuardOptions {
  ssoProviderExists: boolean;
  enforceGuard: boolean;
}

const isOwnerEmail = (r: ClaimRule): boolean => r.claimName === EMAIL_CLAIM && r.role === OWNER_ROLE;

/** One rule while the plan is being ordered. */
interface Item {
  /** Small stable number, for memo keys: the live index, or n + the desired index of a created rule. */
  ordinal: number;
  id: string;
  content: ClaimRule;
  /** Desired index it ends as, or -1 when it is to be deleted. */
  target: number;
  /** In its final place with its final content (desired rules are kept in desired order). */
  settled: boolean;
}

/** A call not yet sent. A `createMoved` rule is appended unsettled and then needs its own PATCH. */
type Pending =
  | { kind: "patch"; item: Item }
  | { kind: "delete"; item: Item }
  | { kind: "create"; desiredIndex: number }
  | { kind: "createMoved"; desiredIndex: number };

/** A call with everything decided: what to send and what it does to the items. */
interface Step {
  op: ClaimMappingOperation;
  item?: Item;
  at?: number;
  content?: ClaimRule;
  createdIndex?: number;
  /** For a create: whether the new rule is in its final place at once. */
  settles?: boolean;
}

/** Guard rules 1 and 2, looking only at e-mail rules (no other rule can shadow an owner e-mail rule). */
export function emailRulesSafe(rules: Iterable<ClaimRule>, ssoProviderExists: boolean): boolean {
  const seen = new Set<string>();
  let owners = 0;
  for (const rule of rules) {
    if (rule.claimName !== EMAIL_CLAIM) continue;
    if (rule.role === OWNER_ROLE) {
      owners++;
      if (!seen.has(rule.claimValue)) return true;
    }
    seen.add(rule.claimValue);
  }
  return owners === 0 && !ssoProviderExists;
}

/** Gives up after this many search steps (the caller then falls back). */
const SEARCH_BUDGET = 100_000;

/**
 * Orders the calls of `structure` so that, with `enforceGuard`, every list strictly between the live
 * and the desired one passes guard rules 1 and 2 (once one has, if the live list did not). Returns
 * null when the search finds no such order within its budget.
 */
export function orderSafely(
  live: readonly LiveRule[],
  desired: readonly ClaimRule[],
  structure: PlanStructure,
  options: GuardOptions,
  tempIdStart = 1,
): ClaimMappingOperation[] | null {
  const items: Item[] = live.map((r, i) => ({
    ordinal: i,
    id: r.id,
    content: { claimName: r.claimName, claimValue: r.claimValue, role: r.role },
    target: structure.liveTarget[i]!,
    settled: structure.untouched[i]!,
  }));
  const ops: ClaimMappingOperation[] = [];
  const failed = new Set<string>();
  let steps = 0;
  let nextTemp = tempIdStart;

  const stateKey = (remaining: number, seenSafe: boolean): string =>
    `${seenSafe ? "s" : "u"}${remaining}|` + items.map((i) => (i.settled ? i.ordinal : ~i.ordinal)).join(",");

  /** Tried first: deletes that cannot hurt, creates, PATCHes adding an owner rule, neutral PATCHes, the rest, owner deletes. */
  const priority = (p: Pending): number => {
    if (p.kind === "delete") return isOwnerEmail(p.item.content) ? 5 : 0;
    if (p.kind === "create" || p.kind === "createMoved") return 1;
    const to = desired[p.item.target]!;
    if (isOwnerEmail(to)) return 2;
    if (to.claimName !== EMAIL_CLAIM && p.item.content.claimName !== EMAIL_CLAIM) return 3;
    return 4;
  };
  const targetOf = (p: Pending): number => (p.kind === "create" || p.kind === "createMoved" ? p.desiredIndex : p.item.target);
  const byPriority = (a: Pending, b: Pending): number => priority(a) - priority(b) || targetOf(a) - targetOf(b);

  const stepsFor = (call: Pending): Step[] => {
    if (call.kind === "delete") return [{ op: { kind: "delete", id: call.item.id }, item: call.item }];
    if (call.kind === "create" || call.kind === "createMoved") {
      const rule = { ...desired[call.desiredIndex]! };
      return [{ op: { kind: "create", rule, tempId: `${TEMP_ID_PREFIX}${nextTemp}` }, createdIndex: call.desiredIndex, settles: call.kind === "create" }];
    }
    const { item } = call;
    const to = desired[item.target]!;
    const current = items.indexOf(item);
    // The gap: after every settled rule that comes earlier in the desired list, before every later
    // one (indexes in the list without the rule itself).
    let gapStart = 0;
    let gapEnd = -1;
    let position = 0;
    for (const other of items) {
      if (other === item) continue;
      if (other.settled) {
        if (other.target < item.target) gapStart = position + 1;
        else if (gapEnd === -1) gapEnd = position;
      }
      position++;
    }
    if (gapEnd === -1) gapEnd = position;
    // Its own place when that is in the gap (then no rank is sent), else the end of the gap (rules
    // still waiting there for their own PATCH then need not move past it); an e-mail rule may also go
    // to the start, where an owner rule is ahead of more rules that could shadow it.
    const places: number[] = [];
    if (current >= gapStart && current <= gapEnd) places.push(current);
    places.push(gapEnd);
    if (to.claimName === EMAIL_CLAIM) places.push(gapStart);
    const set: Partial<ClaimRule> = {};
    if (item.content.claimName !== to.claimName) set.claimName = to.claimName;
    if (item.content.claimValue !== to.claimValue) set.claimValue = to.claimValue;
    if (item.content.role !== to.role) set.role = to.role;
    return [...new Set(places)].map((at) => ({
      op: { kind: "update" as const, id: item.id, set: at === current ? { ...set } : { ...set, rank: at + 1 } },
      item,
      at,
      content: { ...to },
    }));
  };

  /** Applies a step; returns whether it can change the guard's verdict, and how to undo it. */
  const apply = (step: Step): { touchesEmail: boolean; created?: Item; undo: () => void } => {
    const op = step.op;
    if (op.kind === "create") {
      // A created rule is known by its desired position, so states reached in different orders match.
      const item: Item = { ordinal: live.length + step.createdIndex!, id: op.tempId, content: { ...op.rule }, target: step.createdIndex!, settled: step.settles! };
      items.push(item);
      nextTemp++;
      return {
        touchesEmail: op.rule.claimName === EMAIL_CLAIM,
        created: item,
        undo: () => {
          items.pop();
          nextTemp--;
        },
      };
    }
    const item = step.item!;
    const from = items.indexOf(item);
    items.splice(from, 1);
    if (op.kind === "delete") {
      return { touchesEmail: item.content.claimName === EMAIL_CLAIM, undo: () => items.splice(from, 0, item) };
    }
    const oldContent = item.content;
    items.splice(step.at!, 0, item);
    item.content = step.content!;
    item.settled = true;
    return {
      touchesEmail: oldContent.claimName === EMAIL_CLAIM || item.content.claimName === EMAIL_CLAIM,
      undo: () => {
        items.splice(step.at!, 1);
        items.splice(from, 0, item);
        item.content = oldContent;
        item.settled = false;
      },
    };
  };

  const search = (pending: Pending[], safeNow: boolean, seenSafe: boolean): boolean => {
    if (pending.length === 0) return true;
    if (++steps > SEARCH_BUDGET) return false;
    if (failed.size > 0 && failed.has(stateKey(pending.length, seenSafe))) return false;
    // The list after the very last call is the desired one, which the guard does not judge here; a
    // create that must then be moved is two calls.
    const isLast = pending.length === 1 && pending[0]!.kind !== "createMoved";
    // `pending` is kept in the order calls are tried in, creates by desired position; each create is
    // appended last, so only the first pending one may go next.
    let createSeen = false;
    for (let index = 0; index < pending.length; index++) {
      const call = pending[index]!;
      if (call.kind === "create") {
        if (createSeen) continue;
        createSeen = true;
      }
      for (const step of stepsFor(call)) {
        const { touchesEmail, created, undo } = apply(step);
        const nowSafe = touchesEmail ? emailRulesSafe(items.map((i) => i.content), options.ssoProviderExists) : safeNow;
        if (!options.enforceGuard || isLast || !seenSafe || nowSafe) {
          ops.push(step.op);
          const rest = pending.slice(0, index).concat(pending.slice(index + 1));
          if (created && !created.settled) {
            const placement: Pending = { kind: "patch", item: created };
            let at = 0;
            while (at < rest.length && byPriority(rest[at]!, placement) <= 0) at++;
            rest.splice(at, 0, placement);
          }
          if (search(rest, nowSafe, seenSafe || nowSafe)) return true;
          ops.pop();
        }
        undo();
        if (steps > SEARCH_BUDGET) return false;
      }
    }
    failed.add(stateKey(pending.length, seenSafe));
    return false;
  };

  const pending: Pending[] = [];
  for (const item of items) {
    if (item.target === -1) pending.push({ kind: "delete", item });
    else if (!item.settled) pending.push({ kind: "patch", item });
  }
  for (const desiredIndex of structure.creates) pending.push({ kind: "create", desiredIndex });
  for (const desiredIndex of structure.movedCreates) pending.push({ kind: "createMoved", desiredIndex });
  pending.sort(byPriority);
  const safe = emailRulesSafe(live, options.ssoProviderExists);
  return search(pending, safe, safe) ? ops : null;
}
