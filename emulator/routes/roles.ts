/** [Torq] `GET /public/v1alpha/roles`: the presets, then the workspace's custom roles. */
import { API_BASE_PATH } from "../../provider/schemas/api";
import { ok, type Reply } from "../http/reply";
import type { RouteTable } from "../http/routeTable";
import { paginate } from "../pagination";
import { listRoles } from "../store/roles";
import { apiRoute, type ApiRequestContext, type Route } from "./context";

async function listWorkspaceRoles(ctx: ApiRequestContext): Promise<Reply> {
  const page = paginate(listRoles(ctx.runtime.db), ctx.query, "roles");
  return ok({ roles: page.items, next_page_token: page.nextPageToken });
}

/** Adds the roles route to `table`. */
export function addRoleRoutes(table: RouteTable<Route>): void {
  table.add("GET", `${API_BASE_PATH}/roles`, apiRoute(listWorkspaceRoles));
}
