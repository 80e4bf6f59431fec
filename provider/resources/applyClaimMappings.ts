/**
 * Applying a desired claim-mapping list to the workspace: read, plan the shortest safe sequence of
 * API calls, send it (each write with `If-Match` where the server offers ETags, otherwise after a
 * fresh read), and read the result back. A conflict re-reads and re-plans once, then fails naming
 * what changed. Never a blind second POST: a create whose answer was lost is found by listing.
 */
import { TorqClient, TorqMaybeCommittedError } from "../client/client";
import { TorqApiError, TorqConflictError, TorqNotFoundError } from "../client/errors";
import { ConcurrentChangeError, LockoutRefusedError, ProviderInputError } from "../errors";
import { checkLockout, formatLockoutRefusal } from "../lockout/guard";
import { applyPlanToList, planClaimMappingChanges, type ClaimMappingOperation } from "../plan";
import type { ClaimMapping } from "../schemas/api";
import type { ClaimRule } from "../schemas/claimMappings";
import { bareRule, readWorkspace, sameRuleList, toLiveRules, type LiveClaimRule, type RoleDirectory, type WorkspaceView } from "./workspaceView";

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
  for (let attempt = 0; ; attempt++) {
    const view = await readWorkspace(client);
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
    try {
      calls += await executePlan(client, view, plan.ops, options);
      break;
    } catch (err) {
      if (err instanceof TorqConflictError && err.code !== "LOCKOUT_PREVENTED" && attempt === 0) continue;
      if (err instanceof TorqConflictError || err instanceof ConcurrentChangeError) {
        const now = await readWorkspace(client);
        throw new ConcurrentChangeError(
          `the workspace's claim mappings changed while they were being applied, twice; nothing more was written. ` +
            `The workspace now has: ${describeList(now.live)}. Run \`pulumi up\` again to apply the declared list over it.`,
        );
      }
      throw err;
    }
  }
  const final = await client.listClaimMappings();
  const roles = (await readWorkspace(client)).roles;
  const applied = toLiveRules(final.items, roles);
  if (!sameRuleList(applied, desired)) {
    throw new ConcurrentChangeError(
      `after applying, the workspace's claim mappings differ from the declared list (someone else wrote meanwhile): it has ${describeList(applied)}. Run \`pulumi up\` again.`,
    );
  }
  return { applied, calls };
}

function describeList(rules: readonly ClaimRule[]): string {
  if (rules.length === 0) return "no rules";
  const shown = rules.slice(0, 5).map((r, i) => `${i + 1}. ${r.claimName} = ${r.claimValue} → ${r.role}`);
  return shown.join("; ") + (rules.length > 5 ? `; … (${rules.length} rules)` : "");
}

async function executePlan(client: TorqClient, view: WorkspaceView, ops: readonly ClaimMappingOperation[], options: ApplyOptions): Promise<number> {
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
    if (!etagsOffered) {
      const fresh = await client.listClaimMappings();
      calls++;
      const current = toLiveRules(fresh.items, view.roles);
      const expectedIds = expected.map((r) => resolveId(r.id));
      if (!sameRuleList(current, expected) || current.some((r, i) => r.id !== expectedIds[i])) {
        throw new TorqConflictError(`the claim-mapping list changed since it was read`, { code: "CONFLICT", method: "GET", url: "claim_mappings" });
      }
    }
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
  }
  return calls;
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
