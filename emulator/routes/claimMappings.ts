/**
 * [Torq] `/public/v1alpha/sso/claim_mappings`: the ordered list, and each rule by id. [local]
 * DELETE, the list's ETag with If-Match on writes, Idempotency-Key on create, and the lockout guard.
 */
import { randomUUID } from "node:crypto";
import { API_BASE_PATH, createClaimMappingSchema, patchClaimMappingSchema } from "../../provider/schemas/api";
import { conflict, invalidArgument, notFound } from "../http/apiError";
import { ok, type Reply } from "../http/reply";
import type { RouteTable } from "../http/routeTable";
import { readJsonBody } from "../http/requestBody";
import { allowLockoutRequested, guardClaimMappingWrite } from "../lockoutGuard";
import { pageFrom, pageRequest } from "../pagination";
import {
  appendClaimMapping,
  bumpListVersion,
  claimMappingExists,
  countClaimMappings,
  deleteClaimMapping,
  readListVersion,
  updateClaimMapping,
} from "../store/claimMappings";
import { findIdempotentResult, hashRequest, saveIdempotentResult } from "../store/idempotencyKeys";
import { storedListHasReachableOwnerEmailRule, storedReachableOwnerEmailRules } from "../store/ownerEmailRules";
import { findRoleById } from "../store/roles";
import { ssoProviderExists } from "../store/ssoProvider";
import {
  apiRoute,
  listVersionHeaders,
  requireIfMatch,
  type ApiRequestContext,
  type RequestContext,
  type Route,
} from "./context";

const LIST_PATH = `${API_BASE_PATH}/sso/claim_mappings`;
const RULE_PATH = `${LIST_PATH}/:id`;

const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** How many of the rules a write would remove or shadow a LOCKOUT_PREVENTED message names. */
const GUARD_NAMES_AT_MOST = 10;

function ruleNotFound(id: string): never {
  throw notFound(`claim mapping ${id} not found`);
}

function requireRole(ctx: RequestContext, roleId: string): void {
  if (findRoleById(ctx.runtime.db, roleId) === undefined) {
    throw invalidArgument("role_id", `role_id ${roleId} is not a role of this workspace (see GET ${API_BASE_PATH}/roles)`);
  }
}

/** The request's `allow_lockout`; always false in Torq-compatible mode, where the guard is off. */
function lockoutAllowed(ctx: RequestContext): boolean {
  return ctx.runtime.torqCompatible || allowLockoutRequested(ctx.query);
}

/**
 * Runs `write` (inside the caller's write transaction) under the lockout guard, unless allowed:
 * the reachable owner e-mail rules are asked for before and after, by two indexed queries, and a
 * refusal rolls the transaction back.
 */
function guarded<T>(ctx: RequestContext, allowLockout: boolean, write: () => T): T {
  const { db } = ctx.runtime;
  // Only the first few are asked for: one tells whether the guard applies; a few name the rules in a refusal.
  const reachableBefore = allowLockout || !ssoProviderExists(db) ? [] : storedReachableOwnerEmailRules(db, GUARD_NAMES_AT_MOST);
  const result = write();
  if (reachableBefore.length > 0) guardClaimMappingWrite(reachableBefore, storedListHasReachableOwnerEmailRule(db));
  return result;
}

/** The `Idempotency-Key` header, validated; undefined when absent or in Torq-compatible mode. */
function idempotencyKeyOf(ctx: RequestContext): string | undefined {
  if (ctx.runtime.torqCompatible) return undefined;
  const header = ctx.req.headers["idempotency-key"];
  if (header === undefined) return undefined;
  if (typeof header !== "string" || header.length === 0 || header.length > IDEMPOTENCY_KEY_MAX_LENGTH || !/^[\x21-\x7e]+$/.test(header)) {
    throw invalidArgument("Idempotency-Key", `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters`);
  }
  return header;
}

async function listRules(ctx: ApiRequestContext): Promise<Reply> {
  const request = pageRequest(ctx.query, "claim_mappings");
  // One more than the page: whether it comes back says whether another page follows.
  const { value: fetched, version } = ctx.view.claimMappingPage(request.offset, request.size + 1);
  const page = pageFrom(fetched, request);
  return ok({ claim_mappings: page.items, next_page_token: page.nextPageToken }, listVersionHeaders(ctx, version));
}

async function getRule(ctx: ApiRequestContext): Promise<Reply> {
  const id = ctx.params["id"]!;
  const { value: rule, version } = ctx.view.claimMapping(id);
  return ok(rule ?? ruleNotFound(id), listVersionHeaders(ctx, version));
}

async function createRule(ctx: ApiRequestContext): Promise<Reply> {
  const payload = await readJsonBody(ctx.req, createClaimMappingSchema);
  const allowLockout = lockoutAllowed(ctx);
  const idempotencyKey = idempotencyKeyOf(ctx);
  const requestHash = hashRequest(payload);
  const { db } = ctx.runtime;
  return db.write(() => {
    if (idempotencyKey !== undefined) {
      const earlier = findIdempotentResult(db, ctx.principal.clientId, idempotencyKey);
      if (earlier !== undefined) {
        if (earlier.requestHash !== requestHash) {
          throw conflict("Idempotency-Key", "Idempotency-Key was already used with a different request body");
        }
        return ok(earlier.response, { ...listVersionHeaders(ctx, readListVersion(db)), "Idempotent-Replayed": "true" });
      }
    }
    requireIfMatch(ctx, readListVersion(db));
    requireRole(ctx, payload.role_id);
    const created = guarded(ctx, allowLockout, () => appendClaimMapping(db, randomUUID(), payload));
    const version = bumpListVersion(db);
    if (idempotencyKey !== undefined) {
      saveIdempotentResult(db, ctx.principal.clientId, idempotencyKey, { requestHash, response: created });
    }
    return ok(created, listVersionHeaders(ctx, version));
  });
}

async function updateRule(ctx: ApiRequestContext): Promise<Reply> {
  const id = ctx.params["id"]!;
  const { rank, ...fields } = await readJsonBody(ctx.req, patchClaimMappingSchema);
  const allowLockout = lockoutAllowed(ctx);
  const { db } = ctx.runtime;
  return db.write(() => {
    requireIfMatch(ctx, readListVersion(db));
    if (!claimMappingExists(db, id)) ruleNotFound(id);
    if (fields.role_id !== undefined) requireRole(ctx, fields.role_id);
    if (rank !== undefined) {
      const count = countClaimMappings(db);
      if (rank > count) throw invalidArgument("rank", `rank must be between 1 and ${count}, the number of claim mappings`);
    }
    const updated = guarded(ctx, allowLockout, () => updateClaimMapping(db, id, fields, rank)) ?? ruleNotFound(id);
    return ok(updated, listVersionHeaders(ctx, bumpListVersion(db)));
  });
}

async function deleteRule(ctx: ApiRequestContext): Promise<Reply> {
  const id = ctx.params["id"]!;
  const allowLockout = lockoutAllowed(ctx);
  const { db } = ctx.runtime;
  return db.write(() => {
    requireIfMatch(ctx, readListVersion(db));
    if (!claimMappingExists(db, id)) ruleNotFound(id);
    guarded(ctx, allowLockout, () => deleteClaimMapping(db, id));
    return ok({}, listVersionHeaders(ctx, bumpListVersion(db)));
  });
}

/** Adds the claim-mapping routes to `table`. */
export function addClaimMappingRoutes(table: RouteTable<Route>): void {
  table
    .add("GET", LIST_PATH, apiRoute(listRules))
    .add("POST", LIST_PATH, apiRoute(createRule))
    .add("GET", RULE_PATH, apiRoute(getRule))
    .add("PATCH", RULE_PATH, apiRoute(updateRule))
    .add("DELETE", RULE_PATH, apiRoute(deleteRule));
}

