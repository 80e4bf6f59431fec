/**
 * [local] `GET | PUT | DELETE /public/v1alpha/sso/provider` (the singleton SSO provider) and
 * `GET /public/v1alpha/sso/endpoints` (what the IdP application must be told).
 */
import { API_BASE_PATH, putSsoProviderSchema, type SsoEndpoints } from "../../provider/schemas/api";
import { notFound } from "../http/apiError";
import { ok, type Reply } from "../http/reply";
import type { RouteTable } from "../http/routeTable";
import { readJsonBody } from "../http/requestBody";
import { allowLockoutRequested, guardProviderRemoval } from "../lockoutGuard";
import { buildSsoProvider } from "../ssoProviderRecord";
import { deleteSsoProvider, readSsoProvider, writeSsoProvider } from "../store/ssoProvider";
import { readSsoSettings } from "../store/ssoSettings";
import { apiRoute, type ApiRequestContext, type Route } from "./context";

const PROVIDER_PATH = `${API_BASE_PATH}/sso/provider`;

/** Where the local workspace's login flow would land, mirroring Torq's `https://app.torq.io/__/auth/handler`. */
export const LOGIN_HANDLER_PATH = "/__/auth/handler";

/** The SAML audience / OIDC audience restriction of every local workspace (Torq's own is `torq.io`). */
export const LOCAL_AUDIENCE = "torq-local";

function noProvider(): never {
  throw notFound("no SSO provider is configured in this workspace");
}

async function getProvider(ctx: ApiRequestContext): Promise<Reply> {
  return ok(ctx.view.ssoProvider() ?? noProvider());
}

async function putProvider(ctx: ApiRequestContext): Promise<Reply> {
  const payload = await readJsonBody(ctx.req, putSsoProviderSchema);
  const allowLockout = allowLockoutRequested(ctx.query);
  const { db } = ctx.runtime;
  return db.write(() => {
    const previous = readSsoProvider(db);
    const stored = buildSsoProvider(payload, previous, new Date(ctx.now).toISOString(), ctx.runtime.vault);
    if (!stored.record.enabled && !allowLockout) guardProviderRemoval("disable", readSsoSettings(db).sso_only);
    writeSsoProvider(db, stored);
    return ok(stored.record);
  });
}

async function removeProvider(ctx: ApiRequestContext): Promise<Reply> {
  const allowLockout = allowLockoutRequested(ctx.query);
  const { db } = ctx.runtime;
  return db.write(() => {
    if (readSsoProvider(db) === undefined) noProvider();
    if (!allowLockout) guardProviderRemoval("delete", readSsoSettings(db).sso_only);
    deleteSsoProvider(db);
    return ok({});
  });
}

async function getEndpoints(ctx: ApiRequestContext): Promise<Reply> {
  const endpoints: SsoEndpoints = { login_redirect_url: ctx.runtime.url + LOGIN_HANDLER_PATH, audience: LOCAL_AUDIENCE };
  return ok(endpoints);
}

/** Adds the provider and endpoints routes to `table`. */
export function addSsoProviderRoutes(table: RouteTable<Route>): void {
  table
    .add("GET", PROVIDER_PATH, apiRoute(getProvider))
    .add("PUT", PROVIDER_PATH, apiRoute(putProvider))
    .add("DELETE", PROVIDER_PATH, apiRoute(removeProvider))
    .add("GET", `${API_BASE_PATH}/sso/endpoints`, apiRoute(getEndpoints));
}
