/**
 * The plugin's configuration: the provider's inputs (`torq:apiUrl` and the rest of the stack config
 * for the default provider, or an explicit `torq.Provider`'s arguments), read through the same
 * `ConfigSource` the dynamic provider's `configure` receives, so the keys, the environment fallback
 * and the one-line refusals are the same in both modes.
 */
import { resolveConnection, type ConfigSource } from "../provider/config";
import { ProviderInputError } from "../provider/errors";
import type { Props } from "./propertyValues";

/** The provider's inputs as the stack config the provider code reads (`torq:<key>`). */
export function configSourceOf(inputs: Props): ConfigSource {
  return {
    get(key) {
      const name = key.startsWith("torq:") ? key.slice("torq:".length) : key;
      const value = inputs[name];
      if (value === undefined || value === null) return undefined;
      // Pulumi passes a config value that is not a string (a number, say) as its JSON.
      return typeof value === "string" ? value : JSON.stringify(value);
    },
  };
}

/**
 * What is wrong with the configuration, beyond missing credentials (which the environment may
 * still supply, and whose absence fails the first operation with its one-line reason, as in the
 * dynamic provider): a bad region or a URL that is not https.
 */
export function configProblems(inputs: Props, env: NodeJS.ProcessEnv = process.env): string[] {
  // Credentials filled in from placeholders when absent, so only the other settings are judged.
  const placeholders = { ...env, TORQ_CLIENT_ID: env["TORQ_CLIENT_ID"] || "placeholder", TORQ_CLIENT_SECRET: env["TORQ_CLIENT_SECRET"] || "placeholder" };
  try {
    resolveConnection(configSourceOf(inputs), placeholders);
    return [];
  } catch (err) {
    if (err instanceof ProviderInputError) return [err.message];
    throw err;
  }
}
