/**
 * The summary of a plan a reviewer reads at preview: one short, stable line per change to a rule, then
 * the number of API calls.
 *
 *   - 2. groups = old → Viewer               deleted (its position in the live list)
 *   + 3. email = a@x.io → Owner              created (its position in the desired list)
 *   ~ 4. groups = sre: role Viewer → Operator   edited in place (position in the desired list)
 *   ↕ groups = sre: 5 → 2                    moved (live position → desired position)
 *   4 API call(s)
 */
import { describeClaimRule } from "../lockout/describeRule";
import type { ClaimRule } from "../schemas/claimMappings";
import { applyPlanToList, type ClaimMappingOperation, type LiveRule } from "./operations";

const label = (r: ClaimRule): string => `${r.claimName} = ${r.claimValue}`;

function changes(from: ClaimRule, to: ClaimRule): string {
  const parts: string[] = [];
  if (from.claimName !== to.claimName) parts.push(`claim ${from.claimName} → ${to.claimName}`);
  if (from.claimValue !== to.claimValue) parts.push(`value ${from.claimValue} → ${to.claimValue}`);
  if (from.role !== to.role) parts.push(`role ${from.role} → ${to.role}`);
  return parts.join(", ");
}

/**
 * Lines describing what `ops` do to `live`: deletions in live order, then creations, edits and moves
 * in desired order, then `N API call(s)`. `desired` is the list the plan produces (lines use the
 * positions the rules end at).
 */
export function describePlan(live: readonly LiveRule[], desired: readonly ClaimRule[], ops: readonly ClaimMappingOperation[]): string[] {
  const final = applyPlanToList(live, ops);
  const finalPosition = new Map(final.map((r, i) => [r.id, i + 1]));
  const created = new Set<string>();
  const moved = new Set<string>();
  for (const op of ops) {
    if (op.kind === "create") created.add(op.tempId);
    else if (op.kind === "update" && op.set.rank !== undefined) moved.add(op.id);
  }
  const livePosition = new Map(live.map((r, i) => [r.id, i + 1]));
  const liveById = new Map(live.map((r) => [r.id, r]));
  const lines: string[] = [];
  live.forEach((rule, i) => {
    if (!finalPosition.has(rule.id)) lines.push(`- ${i + 1}. ${describeClaimRule(rule)}`);
  });
  final.forEach((rule, i) => {
    const position = i + 1;
    const shown = desired[i] ?? rule;
    if (created.has(rule.id)) {
      lines.push(`+ ${position}. ${describeClaimRule(shown)}`);
      return;
    }
    const before = liveById.get(rule.id);
    if (!before) return;
    const edit = changes(before, rule);
    if (edit) lines.push(`~ ${position}. ${label(before)}: ${edit}`);
    const from = livePosition.get(rule.id)!;
    // A PATCH that edits a rule may also send a rank only to keep it in place while others move.
    if (moved.has(rule.id) && (from !== position || !edit)) lines.push(`↕ ${label(rule)}: ${from} → ${position}`);
  });
  lines.push(`${ops.length} API call(s)`);
  return lines;
}
