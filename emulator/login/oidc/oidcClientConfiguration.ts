/**
 * The openid-client `Configuration` for the workspace's OIDC provider: the IdP's discovery document
 * read from `issuer_url` (openid-client checks its `issuer` equals it), the client id, and how the
 * client authenticates at the token endpoint. Plain http is allowed only to a loopback IdP.
 * Configurations are kept a few minutes per provider version, so a burst of logins discovers once.
 */
import * as oidc from "openid-client";
import { isLoopbackHost } from "../../../provider/urls";
import type { SsoProviderRecord } from "../../../provider/schemas/api";
import { LoginError } from "../loginErrors";

/** How long a discovered configuration is reused. */
const CONFIGURATION_TTL_MS = 5 * 60 * 1000;
/** Time limit of each request the workspace makes to the IdP, in seconds. */
const IDP_TIMEOUT_SECONDS = 10;

interface CacheEntry {
  expiresAt: number;
  configuration: Promise<oidc.Configuration>;
}

const cache = new Map<string, CacheEntry>();

/** The settings a configuration depends on; the secret only by the provider's version. */
export interface OidcClientSettings {
  issuerUrl: string;
  clientId: string;
  grantType: "code" | "implicit";
  /** The client secret (code flow); fetched only when a configuration must be built. */
  clientSecret: () => string | undefined;
  /** Changes whenever the provider is written (`updated_at`), so a new secret gets a new configuration. */
  version: string;
}

/** The settings of a stored OIDC provider. */
export function oidcClientSettings(record: SsoProviderRecord, clientSecret: () => string | undefined): OidcClientSettings {
  return {
    issuerUrl: record.issuer_url!,
    clientId: record.client_id!,
    grantType: record.grant_type ?? "code",
    clientSecret,
    version: record.updated_at,
  };
}

function isInsecureLoopback(url: URL): boolean {
  return url.protocol === "http:" && isLoopbackHost(url.hostname);
}

/** Basic when the IdP offers it (the spec's default), else Post; none for the implicit flow. */
function clientAuthentication(server: oidc.ServerMetadata, settings: OidcClientSettings): oidc.ClientAuth {
  if (settings.grantType === "implicit") return oidc.None();
  const secret = settings.clientSecret();
  if (secret === undefined) {
    throw new LoginError("CLIENT_SECRET_UNAVAILABLE", "the OIDC provider uses the code flow but the workspace has no client secret for it; PUT the provider with its client_secret");
  }
  const offered = server.token_endpoint_auth_methods_supported;
  if (offered !== undefined && !offered.includes("client_secret_basic") && offered.includes("client_secret_post")) {
    return oidc.ClientSecretPost(secret);
  }
  return oidc.ClientSecretBasic(secret);
}

async function build(settings: OidcClientSettings): Promise<oidc.Configuration> {
  let server: URL;
  try {
    server = new URL(settings.issuerUrl);
  } catch {
    throw new LoginError("IDP_UNREACHABLE", "the OIDC provider's issuer_url is not a URL");
  }
  if (server.protocol !== "https:" && !isInsecureLoopback(server)) {
    throw new LoginError("IDP_UNREACHABLE", `the OIDC issuer ${server.origin} must be https (plain http is allowed only for a loopback IdP)`);
  }
  const options: oidc.DiscoveryRequestOptions = { timeout: IDP_TIMEOUT_SECONDS };
  if (isInsecureLoopback(server)) options.execute = [oidc.allowInsecureRequests];
  let discovered: oidc.Configuration;
  try {
    discovered = await oidc.discovery(server, settings.clientId, undefined, oidc.None(), options);
  } catch (err) {
    throw new LoginError("IDP_UNREACHABLE", `could not read the OpenID configuration of ${server.origin}${server.pathname.replace(/\/$/, "")}: ${describeOidcError(err)}`);
  }
  const metadata = discovered.serverMetadata();
  const configuration = new oidc.Configuration(metadata, settings.clientId, undefined, clientAuthentication(metadata, settings));
  if (isInsecureLoopback(server)) oidc.allowInsecureRequests(configuration);
  configuration.timeout = IDP_TIMEOUT_SECONDS;
  if (settings.grantType === "implicit") oidc.useIdTokenResponseType(configuration);
  return configuration;
}

/** The configuration for `settings`, discovered at most once per provider version and TTL. */
export async function oidcConfiguration(settings: OidcClientSettings, now: number): Promise<oidc.Configuration> {
  const key = JSON.stringify([settings.issuerUrl, settings.clientId, settings.grantType, settings.version]);
  const cached = cache.get(key);
  if (cached !== undefined && cached.expiresAt > now) return cached.configuration;
  for (const [other, entry] of cache) if (entry.expiresAt <= now) cache.delete(other);
  const configuration = build(settings);
  cache.set(key, { expiresAt: now + CONFIGURATION_TTL_MS, configuration });
  // A failed discovery is not kept: the next login tries again.
  configuration.catch(() => cache.delete(key));
  return configuration;
}

/** One line on what openid-client (or the network) reported; never a token or a response body. */
export function describeOidcError(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) {
    return `${err.error}${err.error_description ? ` (${err.error_description.slice(0, 200)})` : ""}`;
  }
  if (err instanceof oidc.WWWAuthenticateChallengeError) {
    const challenge = err.cause[0];
    const error = challenge?.parameters.error;
    const description = challenge?.parameters.error_description;
    return `the IdP answered ${err.status} ${error ?? challenge?.scheme ?? ""}${description ? ` (${description.slice(0, 200)})` : ""}`.trim();
  }
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return `${err.message}${cause}`.split("\n")[0]!;
  }
  return String(err);
}
