/**
 * What an IdP application must be told about the workspace (Torq's Login Redirect URL and the
 * audience), from the connection settings alone: the SDK's `getSsoEndpoints()` and the resource
 * provider plugin's `torq:index:getSsoEndpoints` both answer with this, so it works before any
 * resource exists and without a dependency cycle.
 */
import type { TorqClient } from "./client/client";
import type { ConfigSource } from "./config";

/** The two values an IdP application needs. */
export interface SsoEndpoints {
  loginRedirectUrl: string;
  audience: string;
}

/** Torq's fixed values per region (from the product's SSO set-up guide). */
export const TORQ_SSO_ENDPOINTS: Record<"us" | "eu", SsoEndpoints> = {
  us: { loginRedirectUrl: "https://app.torq.io/__/auth/handler", audience: "torq.io" },
  eu: { loginRedirectUrl: "https://app.eu.torq.io/__/auth/handler", audience: "torq.io" },
};

/**
 * Torq's fixed values for the configured region; with `torq:apiUrl` set, what that workspace's
 * endpoints route answers, or the region's values when its API (like Torq's documented one) has no
 * such route.
 */
export async function ssoEndpointsFor(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): Promise<SsoEndpoints> {
  const region = config?.get("torq:region") ?? env["TORQ_REGION"] ?? "us";
  if (region !== "us" && region !== "eu") throw new Error(`torq:region (TORQ_REGION) must be "us" or "eu", not "${region}"`);
  const apiUrl = config?.get("torq:apiUrl") ?? env["TORQ_API_URL"];
  if (!apiUrl) return TORQ_SSO_ENDPOINTS[region];
  // Loaded here, not at import: a program that never asks a workspace should not pay for the HTTP client.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { TorqClient: Client } = require("./client/client") as { TorqClient: typeof TorqClient };
  const { resolveConnection } = require("./config") as typeof import("./config");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const client = new Client(resolveConnection(config, env));
  if (!(await client.supportsProviderRoutes())) return TORQ_SSO_ENDPOINTS[region];
  const endpoints = await client.getSsoEndpoints();
  return { loginRedirectUrl: endpoints.login_redirect_url, audience: endpoints.audience };
}
