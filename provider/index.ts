/**
 * The installed provider code that the thin shim in Pulumi state loads at call time with
 * `require("pulumi-torq-sso/provider")`. Upgrading the package upgrades what `refresh` and `destroy`
 * of old state run; nothing here is ever serialized.
 */
import { keepCompileCacheInProviderHost } from "./compileCache";
import type { ConfigSource } from "./config";
import { watchEngineIfProviderHost } from "./engineWatch";
import { configureProvider } from "./workspaceContext";
import { claimMappingsProvider } from "./resources/claimMappings";
import { ssoEnforcementProvider } from "./resources/ssoEnforcement";
import { ssoProviderProvider } from "./resources/ssoProvider";

export { configureProvider } from "./workspaceContext";

// In the dynamic-provider process: stop (and write nothing more) once the engine is gone, and keep
// Node's compile cache, which the engine's SIGKILL at the end would otherwise lose.
watchEngineIfProviderHost();
keepCompileCacheInProviderHost();

/** The resource kinds the shim may name, each with check/diff/create/read/update/delete. */
export const resources = {
  claimMappings: claimMappingsProvider,
  ssoProvider: ssoProviderProvider,
  ssoEnforcement: ssoEnforcementProvider,
} as const;

export type ResourceKind = keyof typeof resources;

/** The dynamic provider's `configure`: remembers the stack config; the client is built on first use. */
export async function configure(request: { config: ConfigSource }): Promise<void> {
  configureProvider(request.config);
}
