/**
 * `torq.getSsoEndpoints()`: what the IdP application must be told (Torq's Login Redirect URL and the
 * audience), usable before any resource exists, so the IdP side can be declared in the same program
 * without a dependency cycle.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigSource } from "../provider/config";
import { ssoEndpointsFor, type SsoEndpoints } from "../provider/ssoEndpoints";

export { TORQ_SSO_ENDPOINTS, type SsoEndpoints } from "../provider/ssoEndpoints";

/** Reads the program's stack config without the secret-value warning: the value never leaves this process. */
const stackConfig: ConfigSource = { get: (key) => pulumi.runtime.getConfig(key) };

/**
 * Torq's fixed values for the configured region; with `torq:apiUrl` set, what that workspace's
 * endpoints route answers, or the region's values when its API (like Torq's documented one) has no
 * such route.
 */
export function getSsoEndpoints(): Promise<SsoEndpoints> {
  return ssoEndpointsFor(stackConfig);
}
