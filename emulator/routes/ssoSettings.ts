/** [local] `GET | PUT /public/v1alpha/sso/settings`: whether login is SSO-only. */
import { API_BASE_PATH, ssoSettingsSchema } from "../../provider/schemas/api";
import { ok, type Reply } from "../http/reply";
import type { RouteTable } from "../http/routeTable";
import { readJsonBody } from "../http/requestBody";
import { allowLockoutRequested, guardSsoOnly } from "../lockoutGuard";
import { storedListHasReachableOwnerEmailRule } from "../store/ownerEmailRules";
import { readSsoProvider } from "../store/ssoProvider";
import { writeSsoSettings } from "../store/ssoSettings";
import { apiRoute, type ApiRequestContext, type Route } from "./context";

const SETTINGS_PATH = `${API_BASE_PATH}/sso/settings`;

async function getSettings(ctx: ApiRequestContext): Promise<Reply> {
  return ok(ctx.view.ssoSettings());
}

async function putSettings(ctx: ApiRequestContext): Promise<Reply> {
  const settings = await readJsonBody(ctx.req, ssoSettingsSchema);
  const allowLockout = allowLockoutRequested(ctx.query);
  const { db } = ctx.runtime;
  return db.write(() => {
    if (settings.sso_only && !allowLockout) guardSsoOnly(readSsoProvider(db)?.record.enabled, storedListHasReachableOwnerEmailRule(db));
    writeSsoSettings(db, settings);
    return ok(settings);
  });
}

/** Adds the settings routes to `table`. */
export function addSsoSettingsRoutes(table: RouteTable<Route>): void {
  table.add("GET", SETTINGS_PATH, apiRoute(getSettings)).add("PUT", SETTINGS_PATH, apiRoute(putSettings));
}
