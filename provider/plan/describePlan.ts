/**
 * What a plan does to each rule, as data (one row per rule that changes) and as the summary a
 * reviewer reads at preview: one short, stable line per change, then the number of API calls.
 *
 *   - 2. groups = old → Viewer               deleted (its position in the live list)
 *   + 3. email = a@x.io → Owner              created (its position in the desired list)
 *   ~ 4. groups = sre: role Viewer → Operator   edited in place (position in the desired list)
 *   ↕ groups = sre: 5 → 2                    moved (live position → desired position)
 *   4 API call(s)
 */
import { bareRule, describeClaimRule, ruleLabel as label, sameRule, type ClaimRule, type LiveRule } from "../rules/rule";
import { applyPlanToList, type ClaimMappingOperation } from "./operations";
import { commonSubsequence } from "./structure";

/** A rule at a 1-based position of a list. */
export interface PositionedRule extends ClaimRule {
  position: number;
}

/** What happens to one rule: `before` in the live list, `after` in the list the plan produces. */
export type RuleChange =
  | { kind: "added"; after: PositionedRule }
  | { kind: "removed"; before: PositionedRule }
  | { kind: "changed"; before: PositionedRule; after: PositionedRule; edited: boolean; moved: boolean };

const at = (rule: ClaimRule, position: number): PositionedRule => ({ ...bareRule(rule), position });

/**
 * The rules `ops` change, in the order a reviewer reads them: deletions in live order, then the rest
 * in the order of the list they produce. A rule counts as moved when a call gives it a rank and it
 * ends at another position; one moved away and back is not shown.
 */
export function planRows(live: readonly LiveRule[], ops: readonly ClaimMappingOperation[]): RuleChange[] {
  const final = applyPlanToList(live, ops);
  const finalIds = new Set(final.map((r) => r.id));
  const created = new Set<string>();
  const ranked = new Set<string>();
  for (const op of ops) {
    if (op.kind === "create") created.add(op.tempId);
    else if (op.kind === "update" && op.set.rank !== undefined) ranked.add(op.id);
  }
  const liveAt = new Map(live.map((r, i) => [r.id, { rule: r, position: i + 1 }]));
  const rows: RuleChange[] = [];
  live.forEach((rule, i) => {
    if (!finalIds.has(rule.id)) rows.push({ kind: "removed", before: at(rule, i + 1) });
  });
  final.forEach((rule, i) => {
    const position = i + 1;
    const was = liveAt.get(rule.id);
    if (created.has(rule.id) || !was) {
      rows.push({ kind: "added", after: at(rule, position) });
      return;
    }
    const edited = !sameRule(was.rule, rule);
    const moved = ranked.has(rule.id) && was.position !== position;
    if (edited || moved) rows.push({ kind: "changed", before: at(was.rule, was.position), after: at(rule, position), edited, moved });
  });
  return rows;
}

/**
 * What changed between two reads of a list, matching rules by id: added, removed, edited, and moved
 * (its order relative to the other rules changed: it is not in a longest run of rules that kept
 * their order). For drift and for a conflict while applying, where there are no calls to go by.
 */
export function listChanges(before: readonly LiveRule[], after: readonly LiveRule[]): RuleChange[] {
  const beforeAt = new Map(before.map((rule, i) => [rule.id, { rule, position: i + 1 }]));
  const afterIds = new Set(after.map((r) => r.id));
  const kept = commonSubsequence(
    before.filter((r) => afterIds.has(r.id)).map((r) => r.id),
    after.filter((r) => beforeAt.has(r.id)).map((r) => r.id),
  );
  const rows: RuleChange[] = [];
  before.forEach((rule, i) => {
    if (!afterIds.has(rule.id)) rows.push({ kind: "removed", before: at(rule, i + 1) });
  });
  after.forEach((rule, i) => {
    const was = beforeAt.get(rule.id);
    if (!was) {
      rows.push({ kind: "added", after: at(rule, i + 1) });
      return;
    }
    const edited = !sameRule(was.rule, rule);
    const moved = !kept.has(rule.id);
    if (edited || moved) rows.push({ kind: "changed", before: at(was.rule, was.position), after: at(rule, i + 1), edited, moved });
  });
  return rows;
}

function fieldEdits(from: ClaimRule, to: ClaimRule): string {
  const parts: string[] = [];
  if (from.claimName !== to.claimName) parts.push(`claim ${from.claimName} → ${to.claimName}`);
  if (from.claimValue !== to.claimValue) parts.push(`value ${from.claimValue} → ${to.claimValue}`);
  if (from.role !== to.role) parts.push(`role ${from.role} → ${to.role}`);
  return parts.join(", ");
}

/** The summary lines of a set of rule changes (without the call count). */
export function describeRows(rows: readonly RuleChange[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    if (row.kind === "removed") lines.push(`- ${row.before.position}. ${describeClaimRule(row.before)}`);
    else if (row.kind === "added") lines.push(`+ ${row.after.position}. ${describeClaimRule(row.after)}`);
    else {
      if (row.edited) lines.push(`~ ${row.after.position}. ${label(row.before)}: ${fieldEdits(row.before, row.after)}`);
      if (row.moved) lines.push(`↕ ${label(row.after)}: ${row.before.position} → ${row.after.position}`);
    }
  }
  return lines;
}

/**
 * Lines describing what `ops` do to `live`: deletions in live order, then creations, edits and moves
 * in the order of the list they produce, then `N API call(s)`.
 */
export function describePlan(live: readonly LiveRule[], ops: readonly ClaimMappingOperation[]): string[] {
  return [...describeRows(planRows(live, ops)), `${ops.length} API call(s)`];
}

/** A plan's call as a person reads it: `POST email = a@x.io → Owner`, `PATCH groups = sre (role Operator, rank 2)`, `DELETE groups = old`. */
export function describeCall(op: ClaimMappingOperation, listBefore: readonly LiveRule[]): string {
  if (op.kind === "create") return `POST ${describeClaimRule(op.rule)}`;
  const rule = listBefore.find((r) => r.id === op.id);
  const name = rule ? label(rule) : op.id;
  if (op.kind === "delete") return `DELETE ${name}`;
  const fields = Object.entries(op.set).map(([key, value]) => `${key} ${String(value)}`);
  return `PATCH ${name} (${fields.join(", ")})`;
}
