/**
 * Where the provider finds the workspace and its API key: the stack's `torq:*` config, then the
 * environment (CONTRACT.md section 2). Read at call time; never captured into the serialized
 * provider, never written to state, never printed.
 */
import { ProviderInputError } from "./errors";
import { secureUrlProblem } from "./urls";

export const REGIONS = {
  us: { apiUrl: "https://api.torq.io", authUrl: "https://auth.torq.io" },
  eu: { apiUrl: "https://api.eu.torq.io", authUrl: "https://auth.eu.torq.io" },
} as const;
export type Region = keyof typeof REGIONS;

/** Anything with `get(key)`: the dynamic provider's configure request config, or a plain map. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface TorqConnection {
  region: Region;
  apiUrl: string;
  authUrl: string;
  clientId: string;
  clientSecret: string;
}

const SETTINGS = {
  region: { key: "torq:region", env: "TORQ_REGION" },
  apiUrl: { key: "torq:apiUrl", env: "TORQ_API_URL" },
  authUrl: { key: "torq:authUrl", env: "TORQ_AUTH_URL" },
  clientId: { key: "torq:clientId", env: "TORQ_CLIENT_ID" },
  clientSecret: { key: "torq:clientSecret", env: "TORQ_CLIENT_SECRET" },
} as const;

function read(config: ConfigSource | undefined, env: NodeJS.ProcessEnv, name: keyof typeof SETTINGS): string | undefined {
  const { key, env: envName } = SETTINGS[name];
  const value = config?.get(key) ?? env[envName];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function checkUrl(value: string, name: keyof typeof SETTINGS): string {
  const problem = secureUrlProblem(value);
  if (problem) throw new ProviderInputError(`${SETTINGS[name].key} (${SETTINGS[name].env}) ${problem}`);
  return value.replace(/\/+$/, "");
}

/** Resolves the connection, or throws a one-line reason naming the missing or bad setting. */
export function resolveConnection(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): TorqConnection {
  const regionText = read(config, env, "region") ?? "us";
  if (regionText !== "us" && regionText !== "eu") {
    throw new ProviderInputError(`torq:region (TORQ_REGION) must be "us" or "eu", not "${regionText}"`);
  }
  const region: Region = regionText;
  const apiUrlText = read(config, env, "apiUrl");
  const apiUrl = apiUrlText ? checkUrl(apiUrlText, "apiUrl") : REGIONS[region].apiUrl;
  const authUrlText = read(config, env, "authUrl");
  const authUrl = authUrlText ? checkUrl(authUrlText, "authUrl") : apiUrlText ? apiUrl : REGIONS[region].authUrl;
  const clientId = read(config, env, "clientId");
  const clientSecret = read(config, env, "clientSecret");
  const missing = [!clientId && "torq:clientId (TORQ_CLIENT_ID)", !clientSecret && "torq:clientSecret (TORQ_CLIENT_SECRET)"].filter(Boolean);
  if (missing.length) {
    throw new ProviderInputError(`missing ${missing.join(" and ")}: set them with \`pulumi config set\` (the secret with --secret) or in the environment`);
  }
  return { region, apiUrl, authUrl, clientId: clientId!, clientSecret: clientSecret! };
}
