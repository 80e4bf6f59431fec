/**
 * [local, `--test-hooks` only] `/_local/*`: make API keys and custom roles, inject faults, read the
 * request log, and reset. No bearer token needed; never served without test hooks.
 */
import { createApiKeySchema, createRoleSchema, faultRuleSchema, type ApiKey } from "../testHookSchemas";
import { conflict, invalidArgument } from "../http/apiError";
import { ok, type Reply } from "../http/reply";
import type { RouteTable } from "../http/routeTable";
import { readJsonBody } from "../http/requestBody";
import { createApiKey } from "../store/apiKeys";
import { findRoleByName, insertCustomRole } from "../store/roles";
import { wipeWorkspace } from "../store/wipe";
import { openRoute, type RequestContext, type Route } from "./context";

async function addApiKey(ctx: RequestContext): Promise<Reply> {
  const { role: roleName } = await readJsonBody(ctx.req, createApiKeySchema);
  const { db, apiKeys } = ctx.runtime;
  const key: ApiKey = await createApiKey(db, apiKeys, () => {
    const role = findRoleByName(db, roleName);
    if (role === undefined) throw invalidArgument("role", `role "${roleName}" is not a role of this workspace`);
    return role;
  });
  return ok(key);
}

async function addRole(ctx: RequestContext): Promise<Reply> {
  const role = await readJsonBody(ctx.req, createRoleSchema);
  const { db } = ctx.runtime;
  return ok(
    db.write(() => {
      if (findRoleByName(db, role.name) !== undefined) throw conflict("name", `a role named "${role.name}" already exists`);
      return insertCustomRole(db, role);
    }, { snapshot: false }),
  );
}

async function addFault(ctx: RequestContext): Promise<Reply> {
  const rule = await readJsonBody(ctx.req, faultRuleSchema);
  return ok({ id: ctx.runtime.faults.add(rule) });
}

async function listRequests(ctx: RequestContext): Promise<Reply> {
  return ok({ requests: ctx.runtime.requestLog.list() });
}

async function reset(ctx: RequestContext): Promise<Reply> {
  const data = ctx.query.get("data") ?? "false";
  if (data !== "true" && data !== "false") throw invalidArgument("data", "data must be true or false");
  const { runtime } = ctx;
  runtime.requestLog.clear();
  runtime.faults.clear();
  runtime.rateLimiter.reset();
  if (data === "true") wipeWorkspace(runtime.db);
  runtime.staleReads?.clear();
  return ok({});
}

/** Adds the `/_local/*` routes to `table`. */
export function addTestHookRoutes(table: RouteTable<Route>): void {
  table
    .add("POST", "/_local/api_keys", openRoute(addApiKey))
    .add("POST", "/_local/roles", openRoute(addRole))
    .add("POST", "/_local/faults", openRoute(addFault))
    .add("GET", "/_local/requests", openRoute(listRequests))
    .add("POST", "/_local/reset", openRoute(reset));
}
