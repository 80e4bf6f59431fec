/**
 * The claim-mapping API calls a plan is made of, modelled exactly on Torq's API (CONTRACT.md section
 * 5), and the pure simulation of what they do to the ordered list.
 */
import { InvalidPlanError } from "../errors";
import type { OwnerSafetyContext } from "../rules/ownerSafety";
import type { ClaimRule, LiveRule } from "../rules/rule";

export type { LiveRule } from "../rules/rule";

/** The prefix of the ids the planner gives rules it creates, until the server answers with real ids. */
export const TEMP_ID_PREFIX = "new:";

/** POST: appends a new rule last. `tempId` names it for later operations until the server gives it an id. */
export interface CreateOperation {
  kind: "create";
  rule: ClaimRule;
  tempId: string;
}

/**
 * PATCH: changes any of the rule's fields and/or moves it to `rank` (1-based; the rule is taken out and
 * put back at that position, so given [a,b,c,d,e], c to rank 2 gives [a,c,b,d,e]) in one call.
 * `id` may be a create's `tempId`; the executor substitutes the real id.
 */
export interface UpdateOperation {
  kind: "update";
  id: string;
  set: Partial<ClaimRule> & { rank?: number };
}

/** DELETE: removes the rule. */
export interface DeleteOperation {
  kind: "delete";
  id: string;
}

/** What the planner must know besides the two lists. */
export interface PlanOptions extends OwnerSafetyContext {
  /** Keep every intermediate list lockout-safe (false only when the user set `allowLockout`). */
  enforceGuard: boolean;
}

/** One API call of a plan. */
export type ClaimMappingOperation = CreateOperation | UpdateOperation | DeleteOperation;

/** A plan: the API calls, in the order they must be sent. Each costs exactly one call. */
export interface ClaimMappingPlan {
  ops: ClaimMappingOperation[];
  /** The number of API calls the plan makes (`ops.length`). */
  apiCalls: number;
  /**
   * Whether every list strictly between the live and the desired one passes guard rules 1 and 2
   * (from the first such list that passes, when the live list did not).
   */
  intermediatesSafe: boolean;
}

/**
 * What the ops do to the list, step by step: returns the final list (created rules carry their
 * `tempId` as id) and calls `onStep` with the list after each operation (the working list itself:
 * copy it to keep it). Throws `InvalidPlanError` for an unknown id or a rank outside 1..length.
 */
export function applyPlanToList<T extends LiveRule>(
  live: readonly T[],
  ops: readonly ClaimMappingOperation[],
  onStep?: (list: readonly LiveRule[], opIndex: number) => void,
): LiveRule[] {
  const list: LiveRule[] = live.map((r) => ({ claimName: r.claimName, claimValue: r.claimValue, role: r.role, id: r.id }));
  const indexOf = (id: string, opIndex: number): number => {
    const index = list.findIndex((r) => r.id === id);
    if (index === -1) throw new InvalidPlanError(`operation ${opIndex + 1}: no rule with id ${id} in the list`);
    return index;
  };
  ops.forEach((op, opIndex) => {
    if (op.kind === "create") {
      if (list.some((r) => r.id === op.tempId)) throw new InvalidPlanError(`operation ${opIndex + 1}: id ${op.tempId} is already in the list`);
      list.push({ claimName: op.rule.claimName, claimValue: op.rule.claimValue, role: op.rule.role, id: op.tempId });
    } else if (op.kind === "delete") {
      list.splice(indexOf(op.id, opIndex), 1);
    } else {
      const index = indexOf(op.id, opIndex);
      const { rank, ...fields } = op.set;
      const rule: LiveRule = { ...list[index]!, ...definedFields(fields), id: op.id };
      if (rank === undefined) {
        list[index] = rule;
      } else {
        if (!Number.isInteger(rank) || rank < 1 || rank > list.length) {
          throw new InvalidPlanError(`operation ${opIndex + 1}: rank ${rank} is outside 1..${list.length}`);
        }
        list.splice(index, 1);
        list.splice(rank - 1, 0, rule);
      }
    }
    onStep?.(list, opIndex);
  });
  return list;
}

/** The fields a PATCH must send to turn a rule's content `from` into `to` (none when they are equal). */
export function fieldChanges(from: ClaimRule, to: ClaimRule): Partial<ClaimRule> {
  const set: Partial<ClaimRule> = {};
  if (from.claimName !== to.claimName) set.claimName = to.claimName;
  if (from.claimValue !== to.claimValue) set.claimValue = to.claimValue;
  if (from.role !== to.role) set.role = to.role;
  return set;
}

function definedFields(fields: Partial<ClaimRule>): Partial<ClaimRule> {
  const out: Partial<ClaimRule> = {};
  if (fields.claimName !== undefined) out.claimName = fields.claimName;
  if (fields.claimValue !== undefined) out.claimValue = fields.claimValue;
  if (fields.role !== undefined) out.role = fields.role;
  return out;
}
