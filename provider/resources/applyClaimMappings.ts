/**
 * Applying a desired claim-mapping list to the workspace: read, plan the shortest safe sequence of
 * API calls, send it (each write with `If-Match` where the server offers ETags, otherwise after a
 * fresh read), and read the result back. A conflict re-reads and re-plans once, then fails naming
 * what changed. Never a blind second POST: a create whose answer was lost is found by listing.
 */
import { TorqClient, TorqMaybeCommittedError } from "../client/client";
import { TorqApiError, TorqConflictError, TorqNetworkError, TorqNotFoundError } from "../client/errors";
import { ConcurrentChangeError, LockoutRefusedError, ProviderInputError, ProviderOperationError } from "../errors";
import { describeClaimRule } from "../lockout/describeRule";
import { checkLockout, formatLockoutRefusal } from "../lockout/guard";
import { applyPlanToList, planClaimMappingChanges, type ClaimMappingOperation, type LiveRule } from "../plan";
import { report } from "../runtime";
import type { ClaimMapping } from "../schemas/api";
import type { ClaimRule } from "../schemas/claimMappings";
import { bareRule, readWorkspace, sameRule, sameRuleList, toLiveRules, type LiveClaimRule, type RoleDirectory, type WorkspaceView } from "./workspaceView";

export interface ApplyOptions {
  allowLockout: boolean;
  breakGlassOwners?: readonly string[] | undefined;
  expectations?: ClaimMappingsExpectations | undefined;
}
type ClaimMappingsExpectations = Parameters<typeof checkLockout>[0]["expectations"];

export interface ApplyResult {
  applied: LiveClaimRule[];
  calls: number;
}

/** Throws a lockout refusal unless the desired list passes the guard, or the user allowed it. */
export function enforceGuard(view: Pick<WorkspaceView, "ssoProviderExists">, desired: readonly ClaimRule[], options: ApplyOptions): void {
  if (options.allowLockout) return;
  const violations = checkLockout({
    mappings: desired,
    breakGlassOwners: options.breakGlassOwners ? [...options.breakGlassOwners] : undefined,
    expectations: options.expectations,
    ssoProviderExists: view.ssoProviderExists,
  });
  if (violations.length) throw new LockoutRefusedError(formatLockoutRefusal(violations, "preview"));
}

export function unknownRoles(desired: readonly ClaimRule[], roles: RoleDirectory): { index: number; role: string }[] {
  return desired.flatMap((rule, index) => (roles.idByName.has(rule.role) ? [] : [{ index, role: rule.role }]));
}

export async function applyClaimMappings(client: TorqClient, desired: readonly ClaimRule[], options: ApplyOptions): Promise<ApplyResult> {
  let calls = 0;
  let view = await readWorkspace(client);
  for (let attempt = 0; ; attempt++) {
    enforceGuard(view, desired, options);
    const missing = unknownRoles(desired, view.roles);
    if (missing.length) {
      throw new ProviderInputError(
        missing.map((m) => `mappings[${m.index}].role: the workspace has no role "${m.role}"`).join("; ") + ` (it has: ${view.roles.names.join(", ")})`,
      );
    }
    const plan = planClaimMappingChanges(
      view.live.map((r) => ({ ...bareRule(r), id: r.id })),
      desired.map(bareRule),
      { ssoProviderExists: view.ssoProviderExists, enforceGuard: !options.allowLockout },
    );
    const progress = new PlanProgress(view.live);
    try {
      calls += await executePlan(client, view, plan.ops, options, progress);
      break;
    } catch (err) {
      if (!(err instanceof TorqConflictError || err instanceof ConcurrentChangeError)) throw withProgress(err, progress, plan.apiCalls);
      // The list moved under us: say what moved, then plan once more from what is there now.
      const now = await readWorkspace(client);
      const what = progress.describeConflict(now.live);
      if (attempt === 0) {
        report(`ClaimMappings: the workspace's rules changed while they were being applied (${what}); planning again from what is there now.`);
        view = now;
        continue;
      }
      throw new ConcurrentChangeError(
        `the workspace's claim mappings changed while they were being applied, twice (the second time: ${what}); nothing more was written. ` +
          `The workspace now has: ${describeList(now.live)}. Run \`pulumi up\` again to apply the declared list over it.`,
      );
    }
  }
  // The roles were read with the list this plan started from; only the list needs reading again.
  const final = await client.listClaimMappings();
  const applied = toLiveRules(final.items, view.roles);
  if (!sameRuleList(applied, desired)) {
    throw new ConcurrentChangeError(
      `after applying, the workspace's claim mappings differ from the declared list (someone else wrote meanwhile): it has ${describeList(applied)}. Run \`pulumi up\` again.`,
    );
  }
  return { applied, calls };
}

/**
 * How far a plan got: the calls sent so far and the list the workspace should hold before the call
 * in flight (real ids), so a failure can say what was left half-done and a conflict what moved.
 */
class PlanProgress {
  sent = 0;
  /** The call being sent, and the list it should produce (undefined for a create: its id is not known yet). */
  current: { describe: string; after: LiveRule[] | undefined } | undefined;
  expected: LiveRule[];

  constructor(live: readonly LiveClaimRule[]) {
    this.expected = live.map((r) => ({ ...bareRule(r), id: r.id }));
  }

  /** What differs between the list expected before the call in flight and `now`. */
  describeConflict(now: readonly LiveClaimRule[]): string {
    const after = this.current?.after;
    if (after && sameIdsAndRules(after, now)) {
      return `the answer to ${this.current!.describe} was lost after the workspace applied it`;
    }
    return describeChange(this.expected, now);
  }
}

/** A failed call after others went through leaves a half-applied list; the message says so. */
function withProgress(err: unknown, progress: PlanProgress, total: number): unknown {
  const maybeApplied = err instanceof TorqNetworkError;
  if (!(err instanceof TorqApiError) || (progress.sent === 0 && !maybeApplied)) return err;
  const done = progress.sent === 0 ? "before it, nothing was sent" : `the ${progress.sent} before it went through`;
  const wrapped = new ProviderOperationError(
    `${err.message} (API call ${progress.sent + 1} of ${total}: ${progress.current?.describe ?? "a write"}; ${done}). ` +
      `The workspace may hold a partly applied list, which the stack does not record; run \`pulumi up\` again to finish applying the declared list.`,
  );
  wrapped.cause = err;
  return wrapped;
}

function sameIdsAndRules(a: readonly LiveRule[], b: readonly LiveRule[]): boolean {
  return a.length === b.length && a.every((rule, i) => rule.id === b[i]!.id && sameRule(rule, b[i]!));
}

const label = (r: ClaimRule): string => `${r.claimName} = ${r.claimValue}`;

/** Ids of `a` in a longest common subsequence of the id sequences `a` and `b`: the rules that kept their relative order. */
function keptInOrder(a: readonly string[], b: readonly string[]): Set<string> {
  const n = a.length;
  const m = b.length;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[i] === b[j]) {
      kept.add(a[i]!);
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return kept;
}

/**
 * Someone else's change, in the words of the plan summary: rules added, removed, edited and moved
 * (positions 1-based), the first few of them.
 */
function describeChange(before: readonly LiveRule[], now: readonly LiveRule[]): string {
  const beforeById = new Map(before.map((rule, i) => [rule.id, { rule, position: i + 1 }]));
  const nowIds = new Set(now.map((r) => r.id));
  const common = now.filter((r) => beforeById.has(r.id)).map((r) => r.id);
  const kept = keptInOrder(
    before.filter((r) => nowIds.has(r.id)).map((r) => r.id),
    common,
  );
  const parts: string[] = [];
  before.forEach((rule, i) => {
    if (!nowIds.has(rule.id)) parts.push(`removed ${i + 1}. ${describeClaimRule(rule)}`);
  });
  now.forEach((rule, i) => {
    const was = beforeById.get(rule.id);
    if (!was) {
      parts.push(`added ${i + 1}. ${describeClaimRule(rule)}`);
      return;
    }
    if (!sameRule(was.rule, rule)) parts.push(`edited ${label(was.rule)} into ${describeClaimRule(rule)}`);
    if (!kept.has(rule.id)) parts.push(`moved ${label(rule)}: ${was.position} → ${i + 1}`);
  });
  if (parts.length === 0) return "its version changed, though its rules read the same";
  const shown = parts.slice(0, 5).join("; ");
  return parts.length > 5 ? `${shown}; and ${parts.length - 5} more change(s)` : shown;
}

function describeList(rules: readonly ClaimRule[]): string {
  if (rules.length === 0) return "no rules";
  const shown = rules.slice(0, 5).map((r, i) => `${i + 1}. ${r.claimName} = ${r.claimValue} → ${r.role}`);
  return shown.join("; ") + (rules.length > 5 ? `; … (${rules.length} rules)` : "");
}

async function executePlan(
  client: TorqClient,
  view: WorkspaceView,
  ops: readonly ClaimMappingOperation[],
  options: ApplyOptions,
  progress: PlanProgress,
): Promise<number> {
  const roleId = (name: string): string => {
    const id = view.roles.idByName.get(name);
    if (!id) throw new ProviderInputError(`the workspace has no role "${name}"`);
    return id;
  };
  const realIds = new Map<string, string>();
  const resolveId = (id: string): string => realIds.get(id) ?? id;
  const etagsOffered = view.etag !== undefined;
  let etag = view.etag;
  // What the list should look like before each op, to check against a fresh read where there is no ETag.
  let expected: (ClaimRule & { id: string })[] = view.live.map((r) => ({ ...bareRule(r), id: r.id }));
  let calls = 0;
  const write = { allowLockout: options.allowLockout };

  for (const op of ops) {
    const resolved = (list: readonly LiveRule[]): LiveRule[] => list.map((r) => ({ ...r, id: resolveId(r.id) }));
    progress.expected = resolved(expected);
    progress.current = { describe: describeOperation(op, expected), after: undefined };
    if (!etagsOffered) {
      const fresh = await client.listClaimMappings();
      calls++;
      const current = toLiveRules(fresh.items, view.roles);
      const expectedIds = expected.map((r) => resolveId(r.id));
      if (!sameRuleList(current, expected) || current.some((r, i) => r.id !== expectedIds[i])) {
        throw new TorqConflictError(`the claim-mapping list changed since it was read`, { code: "CONFLICT", method: "GET", url: "claim_mappings" });
      }
    }
    // Only a conflict on the write itself can be this write's own lost answer (a create's id is not known).
    if (op.kind !== "create") progress.current.after = resolved(applyPlanToList(expected, [op]));
    const ifMatch = etagsOffered && etag ? { ifMatch: etag } : {};
    if (op.kind === "create") {
      const body = { claim_name: op.rule.claimName, claim_value: op.rule.claimValue, role_id: roleId(op.rule.role) };
      const created = await createOnce(client, body, expected.map((r) => resolveId(r.id)), etagsOffered, { ...write, ...ifMatch });
      calls += created.calls;
      realIds.set(op.tempId, created.rule.id);
      etag = created.etag ?? etag;
    } else if (op.kind === "update") {
      const patch: { claim_name?: string; claim_value?: string; role_id?: string; rank?: number } = {};
      if (op.set.claimName !== undefined) patch.claim_name = op.set.claimName;
      if (op.set.claimValue !== undefined) patch.claim_value = op.set.claimValue;
      if (op.set.role !== undefined) patch.role_id = roleId(op.set.role);
      if (op.set.rank !== undefined) patch.rank = op.set.rank;
      const answer = await client.updateClaimMapping(resolveId(op.id), patch, { ...write, ...ifMatch });
      calls++;
      etag = answer.etag ?? etag;
    } else {
      try {
        const answer = await client.deleteClaimMapping(resolveId(op.id), { ...write, ...ifMatch });
        etag = answer.etag ?? etag;
      } catch (err) {
        // 404 on delete: already gone, which is what was wanted.
        if (!(err instanceof TorqNotFoundError)) throw err;
      }
      calls++;
    }
    expected = applyPlanToList(expected, [op]);
    progress.sent++;
  }
  return calls;
}

/** A plan's call as a person reads it: `PATCH groups = sre (rank 2)`. */
function describeOperation(op: ClaimMappingOperation, list: readonly LiveRule[]): string {
  if (op.kind === "create") return `POST ${describeClaimRule(op.rule)}`;
  const rule = list.find((r) => r.id === op.id);
  const name = rule ? label(rule) : op.id;
  if (op.kind === "delete") return `DELETE ${name}`;
  const fields = Object.entries(op.set).map(([key, value]) => `${key} ${String(value)}`);
  return `PATCH ${name} (${fields.join(", ")})`;
}

/**
 * One logical create. With idempotency keys (the [local] extension) the client retries safely; without
 * them a create whose answer was lost is resolved by listing: the new rule is the one not there before.
 */
async function createOnce(
  client: TorqClient,
  body: { claim_name: string; claim_value: string; role_id: string },
  idsBefore: readonly string[],
  idempotent: boolean,
  options: { allowLockout: boolean; ifMatch?: string },
): Promise<{ rule: ClaimMapping; etag: string | undefined; calls: number }> {
  const key = idempotent ? TorqClient.newIdempotencyKey() : undefined;
  try {
    const answer = await client.createClaimMapping(body, key ? { ...options, idempotencyKey: key } : options);
    return { rule: answer.data, etag: answer.etag, calls: 1 };
  } catch (err) {
    const lost = err instanceof TorqMaybeCommittedError || (err instanceof TorqApiError && (err.status ?? 0) >= 500);
    if (!lost || idempotent) throw err;
    const before = new Set(idsBefore);
    const list = await client.listClaimMappings();
    const found = list.items.find(
      (m) => !before.has(m.id) && m.claim_name === body.claim_name && m.claim_value === body.claim_value && m.role_id === body.role_id,
    );
    if (found) return { rule: found, etag: list.etag, calls: 2 };
    // Listed and not there: the first POST did not commit, so sending it again cannot duplicate it.
    const again = await client.createClaimMapping(body, options);
    return { rule: again.data, etag: again.etag, calls: 3 };
  }
}
