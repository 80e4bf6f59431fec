/** The routes a workspace serves, given its mode. */
import { RouteTable } from "../http/routeTable";
import { addLoginRoutes } from "../login/loginRoutes";
import { addClaimMappingRoutes } from "./claimMappings";
import type { Route } from "./context";
import { addRoleRoutes } from "./roles";
import { addSsoProviderRoutes } from "./ssoProvider";
import { addSsoSettingsRoutes } from "./ssoSettings";
import { addTestHookRoutes } from "./testHooks";
import { addTokenRoutes } from "./token";

/**
 * Torq-compatible mode leaves out the [local] provider, endpoints and settings routes (so they 404
 * as on Torq); the test hooks exist only when asked for.
 */
export function buildWorkspaceRoutes(options: { torqCompatible: boolean; testHooks: boolean }): RouteTable<Route> {
  const table = new RouteTable<Route>();
  addTokenRoutes(table);
  addRoleRoutes(table);
  addClaimMappingRoutes(table);
  if (!options.torqCompatible) {
    addSsoProviderRoutes(table);
    addSsoSettingsRoutes(table);
    // [local] test logins through the configured IdP (emulator/login); they need the provider routes.
    addLoginRoutes(table, { testHooks: options.testHooks });
  }
  if (options.testHooks) addTestHookRoutes(table);
  return table;
}
