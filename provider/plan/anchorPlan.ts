/**
 * A plan that is always lockout-safe but not always shortest, for large lists where neither the
 * ordered shortest structure nor the exact search succeeds: first put a reachable owner e-mail rule
 * at the top (the anchor), change everything below it freely, then move the anchor into place.
 * Without an SSO provider and with no owner e-mail rule desired, it removes the owner e-mail rules
 * first instead (reachable ones last), after which no list can break the guard.
 */
import { findOwnerEmailRules, isOwnerEmailRule } from "../rules/ownerSafety";
import type { ClaimRule, LiveRule } from "../rules/rule";
import { fieldChanges, TEMP_ID_PREFIX, type ClaimMappingOperation, type PlanOptions } from "./operations";
import { orderSafely } from "./orderSafely";
import { chooseStructure } from "./structure";

function unguardedPlan(live: readonly LiveRule[], desired: readonly ClaimRule[], tempIdStart: number): ClaimMappingOperation[] {
  const options: PlanOptions = { ssoProviderExists: false, enforceGuard: false };
  // Without the guard the first order tried always succeeds.
  return orderSafely(live, desired, chooseStructure(live, desired), options, tempIdStart)!;
}

/** The anchored plan, or null when the desired list itself fails the guard (there is nothing to anchor on). */
export function anchorPlan(live: readonly LiveRule[], desired: readonly ClaimRule[], options: PlanOptions): ClaimMappingOperation[] | null {
  const wantedOwners = findOwnerEmailRules(desired);
  if (wantedOwners.reachable.length > 0) {
    const p = wantedOwners.reachable[0]!;
    const anchor = desired[p]!;
    const ops: ClaimMappingOperation[] = [];
    let anchorId: string;
    let rest: LiveRule[];
    const liveOwnersReachable = findOwnerEmailRules(live).reachable.length > 0;
    if (!liveOwnersReachable && live.length > 0) {
      // Appended last, the anchor could be shadowed (by a rule with its address, or one on another
      // claim) in a list that no other owner rule keeps safe: turn a live rule into the anchor at the
      // top instead, in one call. One with the anchor's claim and value is the natural pick.
      const sameClaim = live.findIndex((r) => r.claimName === anchor.claimName && r.claimValue === anchor.claimValue);
      const source = sameClaim === -1 ? 0 : sameClaim;
      anchorId = live[source]!.id;
      ops.push({ kind: "update", id: anchorId, set: { ...fieldChanges(live[source]!, anchor), ...(source === 0 ? {} : { rank: 1 }) } });
      rest = live.filter((_, i) => i !== source);
    } else {
      anchorId = `${TEMP_ID_PREFIX}1`;
      ops.push({ kind: "create", rule: { ...anchor }, tempId: anchorId });
      if (live.length > 0) ops.push({ kind: "update", id: anchorId, set: { rank: 1 } });
      rest = [...live];
    }
    const below = unguardedPlan(rest, desired.filter((_, i) => i !== p), 2);
    for (const op of below) {
      ops.push(op.kind === "update" && op.set.rank !== undefined ? { ...op, set: { ...op.set, rank: op.set.rank + 1 } } : op);
    }
    if (p > 0) ops.push({ kind: "update", id: anchorId, set: { rank: p + 1 } });
    return ops;
  }
  if (!options.ssoProviderExists && wantedOwners.indexes.length === 0) {
    const owners = findOwnerEmailRules(live);
    const reachable = new Set(owners.reachable);
    const order = [...owners.indexes.filter((i) => !reachable.has(i)), ...owners.reachable];
    const ops: ClaimMappingOperation[] = order.map((i) => ({ kind: "delete", id: live[i]!.id }));
    const rest = live.filter((r) => !isOwnerEmailRule(r));
    return [...ops, ...unguardedPlan(rest, desired, 1)];
  }
  return null;
}
