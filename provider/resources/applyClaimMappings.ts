/**
 * Applying a declared claim-mapping list to the workspace: read, plan (claimMappingsPlan.ts, the same
 * plan a preview shows), send the calls (each write with `If-Match` where the server offers ETags,
 * otherwise after a fresh read), and read the result back. A conflict re-reads and re-plans once,
 * then fails naming what changed. Never a blind second POST: a create whose answer was lost is found
 * by listing. Only I/O lives here; what to send is decided by the planner.
 */
import { TorqClient } from "../client/client";
import { TorqApiError, TorqConflictError, TorqMaybeCommittedError, TorqNetworkError, TorqNotFoundError } from "../client/errors";
import { report } from "../diagnostics";
import { ConcurrentChangeError, LockoutRefusedError, ProviderInputError, ProviderOperationError } from "../errors";
import { applyPlanToList, describeCall, describeRows, listChanges, type ClaimMappingOperation } from "../plan";
import { ownersCanSignIn, type OwnerSafetyContext } from "../rules/ownerSafety";
import { describeClaimRule, sameRuleList, type ClaimRule, type LiveRule } from "../rules/rule";
import type { ClaimMapping, CreateClaimMapping, PatchClaimMapping } from "../schemas/api";
import type { ClaimMappingsInputs } from "../schemas/claimMappings";
import { adoptionRefusal, formatGuardRefusal, planClaimMappings } from "./claimMappingsPlan";
import { readWorkspace, toLiveRules, type RoleDirectory, type WorkspaceView } from "./workspaceView";

/** The declared rules whose role the workspace does not have, by 0-based position. */
export function unknownRoles(desired: readonly ClaimRule[], roles: RoleDirectory): { index: number; role: string }[] {
  return desired.flatMap((rule, index) => (roles.idByName.has(rule.role) ? [] : [{ index, role: rule.role }]));
}

/** A rule, or the fields of one, as the API spells them: roles by id. */
function toApiFields(rule: Partial<ClaimRule>, roles: RoleDirectory): PatchClaimMapping {
  const body: PatchClaimMapping = {};
  if (rule.claimName !== undefined) body.claim_name = rule.claimName;
  if (rule.claimValue !== undefined) body.claim_value = rule.claimValue;
  if (rule.role !== undefined) {
    const id = roles.idByName.get(rule.role);
    if (!id) throw new ProviderInputError(`the workspace has no role "${rule.role}"`);
    body.role_id = id;
  }
  return body;
}

/** The list in a few words, for an error message. */
function describeList(rules: readonly ClaimRule[]): string {
  if (rules.length === 0) return "no rules";
  const shown = rules.slice(0, 5).map((r, i) => `${i + 1}. ${describeClaimRule(r)}`);
  return shown.join("; ") + (rules.length > 5 ? `; … (${rules.length} rules)` : "");
}

/** Someone else's change, in the words of the plan summary, the first few of them. */
function describeChange(before: readonly LiveRule[], now: readonly LiveRule[]): string {
  const lines = describeRows(listChanges(before, now));
  if (lines.length === 0) return "its version changed, though its rules read the same";
  const shown = lines.slice(0, 5).join("; ");
  return lines.length > 5 ? `${shown}; and ${lines.length - 5} more change(s)` : shown;
}

/** Whether `create` is adopting the workspace's list (the resource is new to the stack). */
export type ApplyKind = "create" | "update";

/**
 * Applies the declared list and returns it as the workspace then holds it. Refuses (before writing
 * anything) what a preview refuses: the guard's verdict unless `allowLockout`, a create over other
 * rules unless `overwriteExisting`, roles the workspace does not have.
 */
export async function applyClaimMappings(client: TorqClient, inputs: ClaimMappingsInputs, kind: ApplyKind, start?: WorkspaceView): Promise<LiveRule[]> {
  let view = start ?? (await readWorkspace(client));
  // A create adopts whatever the first read saw; a re-plan after a conflict is still that create.
  const recorded = kind === "create" ? undefined : view.live;
  for (let attempt = 0; ; attempt++) {
    const missing = unknownRoles(inputs.mappings, view.roles);
    if (missing.length) {
      throw new ProviderInputError(
        missing.map((m) => `mappings[${m.index}].role: the workspace has no role "${m.role}"`).join("; ") + ` (it has: ${view.roles.names.join(", ")})`,
      );
    }
    const { report: planned, plan, safety } = await planClaimMappings(view, inputs, recorded);
    if (planned.guard.verdict === "refused") throw new LockoutRefusedError(formatGuardRefusal(planned.guard.violations, inputs));
    if (attempt === 0 && planned.adoption?.refused) throw new ProviderInputError(adoptionRefusal(planned));
    const progress = new PlanProgress(view.live);
    let written: LiveRule[];
    try {
      written = await executePlan(client, view, plan.ops, { allowLockout: inputs.allowLockout ?? false, safety }, progress);
    } catch (err) {
      if (!(err instanceof TorqConflictError || err instanceof ConcurrentChangeError)) throw withProgress(err, progress, plan.ops.length);
      // The list moved under us: say what moved, then plan once more from what is there now.
      const now = await readWorkspace(client);
      const what = progress.describeConflict(now.live);
      if (attempt === 0) {
        report(`ClaimMappings: the workspace changed while applying (${what}); planning again from what is there now.`);
        view = now;
        continue;
      }
      throw new ConcurrentChangeError(
        `the workspace changed while applying, twice (the second time: ${what}); nothing more was written. ` +
          `The workspace now has: ${describeList(now.live)}. Run \`pulumi up\` again to apply the declared list over it.`,
      );
    }
    // With ETags every write was conditional on the list the plan expected, so the list is known
    // without reading it again.
    if (view.etag !== undefined) return written;
    break;
  }
  // The roles were read with the list this plan started from; only the list needs reading again.
  const final = await client.listClaimMappings();
  const applied = toLiveRules(final.items, view.roles);
  if (!sameRuleList(applied, inputs.mappings)) {
    throw new ConcurrentChangeError(
      `after applying, the workspace's claim mappings differ from the declared list (the workspace changed while applying): it has ${describeList(applied)}. Run \`pulumi up\` again.`,
    );
  }
  return applied;
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

  constructor(live: readonly LiveRule[]) {
    this.expected = [...live];
  }

  /** What differs between the list expected before the call in flight and `now`. */
  describeConflict(now: readonly LiveRule[]): string {
    const after = this.current?.after;
    // The call in flight went through and only its answer was lost: the list is exactly what it makes.
    if (after && sameIdsAndRules(after, now)) {
      return `it already holds what ${this.current!.describe} makes: the answer was lost after the workspace applied it, or another run is applying the same change`;
    }
    return describeChange(this.expected, now);
  }
}

/** A failed call after others went through leaves a half-applied list; the message says so. */
function withProgress(err: unknown, progress: PlanProgress, total: number): unknown {
  const maybeApplied = err instanceof TorqNetworkError;
  if (!(err instanceof TorqApiError) || (progress.sent === 0 && !maybeApplied)) return err;
  const done = progress.sent === 0 ? "before it, nothing was sent" : `the ${progress.sent} before it went through`;
  return new ProviderOperationError(
    `${err.message} (API call ${progress.sent + 1} of ${total}: ${progress.current?.describe ?? "a write"}; ${done}). ` +
      `The workspace may hold a partly applied list, which the stack does not record; run \`pulumi up\` again to finish applying the declared list.`,
    { cause: err },
  );
}

function sameIdsAndRules(a: readonly LiveRule[], b: readonly LiveRule[]): boolean {
  return sameRuleList(a, b) && a.every((rule, i) => rule.id === b[i]!.id);
}

interface ExecuteOptions {
  allowLockout: boolean;
  /** The guard context the plan was made with (including declared owners). */
  safety: OwnerSafetyContext;
}

/**
 * Sends the calls and returns the list they leave (with the workspace's ids). The workspace's own lockout check cannot know the owners declared in
 * `breakGlassOwners`, so a call that the plan keeps safe only through them carries `allow_lockout`:
 * the provider's guard has vouched for it.
 */
async function executePlan(client: TorqClient, view: WorkspaceView, ops: readonly ClaimMappingOperation[], options: ExecuteOptions, progress: PlanProgress): Promise<LiveRule[]> {
  const realIds = new Map<string, string>();
  const resolveId = (id: string): string => realIds.get(id) ?? id;
  const resolved = (list: readonly LiveRule[]): LiveRule[] => list.map((r) => ({ ...r, id: resolveId(r.id) }));
  const etagsOffered = view.etag !== undefined;
  const strict: OwnerSafetyContext = { ssoProviderExists: options.safety.ssoProviderExists };
  let etag = view.etag;
  // What the list should look like before each op, to check against a fresh read where there is no ETag.
  let expected: LiveRule[] = [...view.live];

  for (const op of ops) {
    progress.expected = resolved(expected);
    progress.current = { describe: describeCall(op, expected), after: undefined };
    if (!etagsOffered) {
      const current = toLiveRules((await client.listClaimMappings()).items, view.roles);
      if (!sameIdsAndRules(current, progress.expected)) throw new ConcurrentChangeError("the workspace changed while applying (read before a write)");
    }
    const after = applyPlanToList(expected, [op]);
    // Only a conflict on the write itself can be this write's own lost answer (a create's id is not known).
    if (op.kind !== "create") progress.current.after = resolved(after);
    const vouched = ownersCanSignIn(expected, strict) && !ownersCanSignIn(after, strict) && ownersCanSignIn(after, options.safety);
    const write = { allowLockout: options.allowLockout || vouched, ...(etagsOffered && etag ? { ifMatch: etag } : {}) };
    if (op.kind === "create") {
      const body = toApiFields(op.rule, view.roles) as CreateClaimMapping;
      const created = await createOnce(client, body, progress.expected.map((r) => r.id), etagsOffered, write);
      realIds.set(op.tempId, created.rule.id);
      etag = created.etag ?? etag;
    } else if (op.kind === "update") {
      const { rank, ...fields } = op.set;
      const answer = await client.updateClaimMapping(resolveId(op.id), { ...toApiFields(fields, view.roles), ...(rank === undefined ? {} : { rank }) }, write);
      etag = answer.etag ?? etag;
    } else {
      try {
        etag = (await client.deleteClaimMapping(resolveId(op.id), write)).etag ?? etag;
      } catch (err) {
        // 404 on delete: already gone, which is what was wanted.
        if (!(err instanceof TorqNotFoundError)) throw err;
      }
    }
    expected = after;
    progress.sent++;
  }
  return resolved(expected);
}

/**
 * One logical create. With idempotency keys (the [local] extension) the client retries safely; without
 * them a create whose answer was lost is resolved by listing: the new rule is the one not there before.
 */
async function createOnce(
  client: TorqClient,
  body: CreateClaimMapping,
  idsBefore: readonly string[],
  idempotent: boolean,
  options: { allowLockout: boolean; ifMatch?: string },
): Promise<{ rule: ClaimMapping; etag: string | undefined }> {
  const key = idempotent ? TorqClient.newIdempotencyKey() : undefined;
  try {
    const answer = await client.createClaimMapping(body, key ? { ...options, idempotencyKey: key } : options);
    return { rule: answer.data, etag: answer.etag };
  } catch (err) {
    const lost = err instanceof TorqMaybeCommittedError || (err instanceof TorqApiError && (err.status ?? 0) >= 500);
    if (!lost || idempotent) throw err;
    const before = new Set(idsBefore);
    const list = await client.listClaimMappings();
    const found = list.items.find(
      (m) => !before.has(m.id) && m.claim_name === body.claim_name && m.claim_value === body.claim_value && m.role_id === body.role_id,
    );
    if (found) return { rule: found, etag: list.etag };
    // Listed and not there: the first POST did not commit, so sending it again cannot duplicate it.
    const again = await client.createClaimMapping(body, options);
    return { rule: again.data, etag: again.etag };
  }
}
