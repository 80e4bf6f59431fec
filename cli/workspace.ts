/**
 * `torq-sso workspace serve`: runs the local workspace API until SIGINT or SIGTERM, after printing
 * its URL and the Owner API key (a banner, or with `--json` one line `{ url, client_id, client_secret }`).
 */
import { keyFileOf, startWorkspace, WORKSPACE_KEY_ENV, type Workspace, type WorkspaceOptions } from "../emulator";
import { parseOptions, UsageError } from "./usage";

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be an integer from 0 to 65535, not '${value}'`);
  return port;
}

function banner(workspace: Workspace, options: WorkspaceOptions): string {
  const mode = [
    options.torqCompatible ? "Torq-compatible (no [local] extensions)" : "with [local] extensions",
    options.testHooks ? "test hooks on (/_local/*)" : undefined,
  ].filter(Boolean);
  return [
    `Local Torq workspace listening on ${workspace.url}`,
    `  API base:      ${workspace.url}/public/v1alpha`,
    `  Token URL:     ${workspace.url}/v1/auth/token`,
    `  Data:          ${options.dataFile ?? "in memory (lost when it stops; use --data FILE to keep it)"}`,
    ...(options.dataFile === undefined
      ? []
      : [`  Key:           ${process.env[WORKSPACE_KEY_ENV] ? `from ${WORKSPACE_KEY_ENV}` : `${keyFileOf(options.dataFile)} (keep it with the data file, and as private)`}`]),
    `  Mode:          ${mode.join(", ")}`,
    ``,
    `Owner API key`,
    `  client id:     ${workspace.ownerKey.client_id}`,
    `  client secret: ${workspace.ownerKey.client_secret}`,
    ``,
    `Point the provider at it:`,
    `  export TORQ_API_URL=${workspace.url}`,
    `  export TORQ_CLIENT_ID=${workspace.ownerKey.client_id}`,
    `  export TORQ_CLIENT_SECRET=${workspace.ownerKey.client_secret}`,
    ``,
    `Press Ctrl+C to stop.`,
  ].join("\n");
}

/** Why the workspace could not start, as one line a user can act on. */
function startFailure(err: unknown, options: WorkspaceOptions): Error {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "EADDRINUSE") return new Error(`port ${options.port} is already in use (pick another with --port, or 0 for any)`);
  if (code === "EACCES") return new Error(`not allowed to listen on port ${options.port}`);
  const message = err instanceof Error ? err.message : String(err);
  if (code === "ERR_SQLITE_ERROR" && options.dataFile !== undefined) {
    return new Error(`cannot open the data file ${options.dataFile}: ${message}`);
  }
  return new Error(`the workspace did not start: ${message}`);
}

function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** Runs `torq-sso workspace serve [--port N] [--data FILE] [--test-hooks] [--torq-compatible] [--json]`. */
export async function serveCommand(args: string[]): Promise<number> {
  const { values, switches, rest } = parseOptions(args, {
    values: ["port", "data"],
    switches: ["test-hooks", "torq-compatible", "json"],
  });
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}' (workspace serve takes only options)`);
  const options: WorkspaceOptions = {
    port: parsePort(values.get("port")),
    dataFile: values.get("data"),
    testHooks: switches.has("test-hooks"),
    torqCompatible: switches.has("torq-compatible"),
  };

  let workspace: Workspace;
  try {
    workspace = await startWorkspace(options);
  } catch (err) {
    throw startFailure(err, options);
  }
  const stopped = untilStopSignal();
  if (switches.has("json")) {
    const line = { url: workspace.url, client_id: workspace.ownerKey.client_id, client_secret: workspace.ownerKey.client_secret };
    process.stdout.write(JSON.stringify(line) + "\n");
  } else {
    process.stdout.write(banner(workspace, options) + "\n");
  }
  const signal = await stopped;
  await workspace.close();
  if (!switches.has("json")) process.stderr.write(`stopped (${signal}); the database is closed\n`);
  return 0;
}
