/**
 * `torq.getSsoEndpoints()`: what the IdP application must be told (Torq's Login Redirect URL and the
 * audience), usable before any resource exists, so the IdP side can be declared in the same program
 * without a dependency cycle.
 */
import * as pulumi from "@pulumi/pulumi";
import type { TorqClient } from "../provider/client/client";
import type { ConfigSource } from "../provider/config";

export interface SsoEndpoints {
  loginRedirectUrl: string;
  audience: string;
}

/** Torq's fixed values per region (from the product's SSO set-up guide). */
export const TORQ_SSO_ENDPOINTS: Record<"us" | "eu", SsoEndpoints> = {
  us: { loginRedirectUrl: "https://app.torq.io/__/auth/handler", audience: "torq.io" },
  eu: { loginRedirectUrl: "https://app.eu.torq.io/__/auth/handler", audience: "torq.io" },
};

/** Reads the program's stack config without the secret-value warning: the value never leaves this process. */
const stackConfig: ConfigSource = { get: (key) => pulumi.runtime.getConfig(key) };

/**
 * Torq's fixed values for the configured region; with `torq:apiUrl` set, what that workspace's
 * endpoints route answers, or the region's values when its API (like Torq's documented one) has no
 * such route.
 */
export async function getSsoEndpoints(): Promise<SsoEndpoints> {
  const region = stackConfig.get("torq:region") ?? process.env["TORQ_REGION"] ?? "us";
  if (region !== "us" && region !== "eu") throw new Error(`torq:region (TORQ_REGION) must be "us" or "eu", not "${region}"`);
  const apiUrl = stackConfig.get("torq:apiUrl") ?? process.env["TORQ_API_URL"];
  if (!apiUrl) return TORQ_SSO_ENDPOINTS[region];
  // Loaded here, not at import: a program that never asks a workspace should not pay for the HTTP client.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { TorqClient: Client } = require("../provider/client/client") as { TorqClient: typeof TorqClient };
  const { resolveConnection } = require("../provider/config") as typeof import("../provider/config");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const client = new Client(resolveConnection(stackConfig));
  if (!(await client.supportsProviderRoutes())) return TORQ_SSO_ENDPOINTS[region];
  const endpoints = await client.getSsoEndpoints();
  return { loginRedirectUrl: endpoints.login_redirect_url, audience: endpoints.audience };
}
