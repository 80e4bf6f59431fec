/**
 * Putting the calls of a shortest structure in an order the lockout guard accepts: a depth-first
 * search over which pending call to send next (and, for a PATCH, where in its allowed gap to put the
 * rule), trying first the calls that cannot hurt. Every rank is computed on the list as it is at that
 * moment.
 */
import { couldShadowAnyOwner, isOwnerEmailRule, ownersCanSignIn } from "../rules/ownerSafety";
import { EMAIL_CLAIM } from "../schemas/claimMappings";
import type { ClaimRule, LiveRule } from "../rules/rule";
import { fieldChanges, TEMP_ID_PREFIX, type ClaimMappingOperation, type PlanOptions } from "./operations";
import type { PlanStructure } from "./structure";

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

/** What applying a step did: the rule it created, and how to undo it. */
interface Applied {
  created?: Item;
  undo: () => void;
}

/** Gives up after this many search steps (the caller then falls back). */
const SEARCH_BUDGET = 100_000;

/** Whether a rule can shadow owner e-mail rules or be one: a PATCH between two rules of neither kind is tried early. */
const mattersToOwners = (rule: ClaimRule): boolean => rule.claimName === EMAIL_CLAIM || couldShadowAnyOwner(rule);

/** The search, its working list (`items`, kept in list order) and what it has learnt so far. */
class SafeOrderSearch {
  private readonly items: Item[];
  private readonly ops: ClaimMappingOperation[] = [];
  /** States (pending count, seen-safe, which items are settled) known to lead nowhere. */
  private readonly failed = new Set<string>();
  private steps = 0;
  private nextTemp: number;

  constructor(
    private readonly live: readonly LiveRule[],
    private readonly desired: readonly ClaimRule[],
    private readonly structure: PlanStructure,
    private readonly options: PlanOptions,
    tempIdStart: number,
  ) {
    this.nextTemp = tempIdStart;
    this.items = live.map((r, i) => ({
      ordinal: i,
      id: r.id,
      content: { claimName: r.claimName, claimValue: r.claimValue, role: r.role },
      target: structure.liveTarget[i]!,
      settled: structure.untouched[i]!,
    }));
  }

  /** The ordered calls, or null when the search found none within its budget. */
  run(): ClaimMappingOperation[] | null {
    return this.search(this.initialPending(), this.safe()) ? this.ops : null;
  }

  private safe(): boolean {
    return ownersCanSignIn(
      this.items.map((i) => i.content),
      this.options,
    );
  }

  private initialPending(): Pending[] {
    const pending: Pending[] = [];
    for (const item of this.items) {
      if (item.target === -1) pending.push({ kind: "delete", item });
      else if (!item.settled) pending.push({ kind: "patch", item });
    }
    for (const desiredIndex of this.structure.creates) pending.push({ kind: "create", desiredIndex });
    for (const desiredIndex of this.structure.movedCreates) pending.push({ kind: "createMoved", desiredIndex });
    return pending.sort(this.byPriority);
  }

  /** Tried first: deletes that cannot hurt, creates, PATCHes adding an owner rule, PATCHes the guard ignores, the rest, owner deletes. */
  private priority(p: Pending): number {
    if (p.kind === "delete") return isOwnerEmailRule(p.item.content) ? 5 : 0;
    if (p.kind === "create" || p.kind === "createMoved") return 1;
    const to = this.desired[p.item.target]!;
    if (isOwnerEmailRule(to)) return 2;
    if (!mattersToOwners(to) && !mattersToOwners(p.item.content)) return 3;
    return 4;
  }

  private readonly byPriority = (a: Pending, b: Pending): number => {
    const targetOf = (p: Pending): number => (p.kind === "create" || p.kind === "createMoved" ? p.desiredIndex : p.item.target);
    return this.priority(a) - this.priority(b) || targetOf(a) - targetOf(b);
  };

  private stateKey(remaining: number, seenSafe: boolean): string {
    return `${seenSafe ? "s" : "u"}${remaining}|` + this.items.map((i) => (i.settled ? i.ordinal : ~i.ordinal)).join(",");
  }

  /** The ways to send one pending call: one for a create or delete, one per candidate place for a PATCH. */
  private stepsFor(call: Pending): Step[] {
    if (call.kind === "delete") return [{ op: { kind: "delete", id: call.item.id }, item: call.item }];
    if (call.kind === "create" || call.kind === "createMoved") {
      const rule = { ...this.desired[call.desiredIndex]! };
      return [{ op: { kind: "create", rule, tempId: `${TEMP_ID_PREFIX}${this.nextTemp}` }, createdIndex: call.desiredIndex, settles: call.kind === "create" }];
    }
    const { item } = call;
    const to = this.desired[item.target]!;
    const current = this.items.indexOf(item);
    const { gapStart, gapEnd } = this.gapOf(item);
    // Its own place when that is in the gap (then no rank is sent), else the end of the gap (rules
    // still waiting there for their own PATCH then need not move past it); an e-mail rule may also go
    // to the start, where an owner rule is ahead of more rules that could shadow it.
    const places: number[] = [];
    if (current >= gapStart && current <= gapEnd) places.push(current);
    places.push(gapEnd);
    if (to.claimName === EMAIL_CLAIM) places.push(gapStart);
    const set = fieldChanges(item.content, to);
    return [...new Set(places)].map((at) => ({
      op: { kind: "update" as const, id: item.id, set: at === current ? { ...set } : { ...set, rank: at + 1 } },
      item,
      at,
      content: { ...to },
    }));
  }

  /**
   * Where a PATCHed rule may go: after every settled rule that comes earlier in the desired list,
   * before every later one (indexes in the list without the rule itself).
   */
  private gapOf(item: Item): { gapStart: number; gapEnd: number } {
    let gapStart = 0;
    let gapEnd = -1;
    let position = 0;
    for (const other of this.items) {
      if (other === item) continue;
      if (other.settled) {
        if (other.target < item.target) gapStart = position + 1;
        else if (gapEnd === -1) gapEnd = position;
      }
      position++;
    }
    return { gapStart, gapEnd: gapEnd === -1 ? position : gapEnd };
  }

  private apply(step: Step): Applied {
    const op = step.op;
    if (op.kind === "create") {
      // A created rule is known by its desired position, so states reached in different orders match.
      const item: Item = { ordinal: this.live.length + step.createdIndex!, id: op.tempId, content: { ...op.rule }, target: step.createdIndex!, settled: step.settles! };
      this.items.push(item);
      this.nextTemp++;
      return {
        created: item,
        undo: () => {
          this.items.pop();
          this.nextTemp--;
        },
      };
    }
    const item = step.item!;
    const from = this.items.indexOf(item);
    this.items.splice(from, 1);
    if (op.kind === "delete") {
      return { undo: () => this.items.splice(from, 0, item) };
    }
    const oldContent = item.content;
    this.items.splice(step.at!, 0, item);
    item.content = step.content!;
    item.settled = true;
    return {
      undo: () => {
        this.items.splice(step.at!, 1);
        this.items.splice(from, 0, item);
        item.content = oldContent;
        item.settled = false;
      },
    };
  }

  /** Puts a created rule's own PATCH among the pending calls, in priority order. */
  private withPlacement(rest: Pending[], created: Item): Pending[] {
    const placement: Pending = { kind: "patch", item: created };
    let at = 0;
    while (at < rest.length && this.byPriority(rest[at]!, placement) <= 0) at++;
    rest.splice(at, 0, placement);
    return rest;
  }

  private search(pending: Pending[], seenSafe: boolean): boolean {
    if (pending.length === 0) return true;
    if (++this.steps > SEARCH_BUDGET) return false;
    if (this.failed.size > 0 && this.failed.has(this.stateKey(pending.length, seenSafe))) return false;
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
      for (const step of this.stepsFor(call)) {
        // Any rule can change the verdict (one giving Owner can hide a later one with its claim and
        // value that would shadow the owners), so it is computed afresh: one pass over the list.
        const { created, undo } = this.apply(step);
        const nowSafe = this.safe();
        if (!this.options.enforceGuard || isLast || !seenSafe || nowSafe) {
          this.ops.push(step.op);
          const rest = pending.slice(0, index).concat(pending.slice(index + 1));
          const next = created && !created.settled ? this.withPlacement(rest, created) : rest;
          if (this.search(next, seenSafe || nowSafe)) return true;
          this.ops.pop();
        }
        undo();
        if (this.steps > SEARCH_BUDGET) return false;
      }
    }
    this.failed.add(this.stateKey(pending.length, seenSafe));
    return false;
  }
}

/**
 * Orders the calls of `structure` so that, with `enforceGuard`, every list strictly between the live
 * and the desired one passes guard rules 1 and 2 (once one has, if the live list did not). Returns
 * null when the search finds no such order within its budget.
 */
export function orderSafely(
  live: readonly LiveRule[],
  desired: readonly ClaimRule[],
  structure: PlanStructure,
  options: PlanOptions,
  tempIdStart = 1,
): ClaimMappingOperation[] | null {
  return new SafeOrderSearch(live, desired, structure, options, tempIdStart).run();
}
