/**
 * The provider process's connection to the workspace: the stack config handed to `configure`, and
 * one API client built from it on first use. Nothing here is serialized into Pulumi state.
 */
import { TorqClient } from "./client/client";
import { resolveConnection, type ConfigSource } from "./config";

let configSource: ConfigSource | undefined;
let client: TorqClient | undefined;

/** Called by the dynamic provider's `configure` with the stack's config (secrets decrypted). */
export function configureProvider(config: ConfigSource | undefined): void {
  configSource = config;
  client = undefined;
}

/** The API client for this process; resolving credentials here makes a missing one a one-line error. */
export function workspaceClient(): TorqClient {
  client ??= new TorqClient(resolveConnection(configSource));
  return client;
}

/** The marker Pulumi passes for a value not known until apply. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a value (at any depth) is not known yet, as in a preview whose inputs depend on other resources. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Writes a line to the provider's stderr, which Pulumi shows with the preview. */
export function report(line: string): void {
  process.stderr.write(line.endsWith("\n") ? line : line + "\n");
}
