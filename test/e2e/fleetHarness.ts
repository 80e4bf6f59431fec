/**
 * What the fleet e2e suites share: local workspaces with their keys in environment variables, a
 * fleet file written for them, and `torq-sso fleet …` run as a user runs it (the CLI in a child
 * process, real `pulumi` on the file backend, PULUMI_HOME in a temporary folder).
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Workspace } from "../../emulator";
import { requestLog } from "./workspaceTools";
import { runCli, type CliResult } from "../support/cli";

export { CLI, type CliResult } from "../support/cli";
const TOKEN_PATH = "/v1/auth/token";

/** The environment variable names of a workspace's key in the fleets of these tests. */
export function keyVariables(name: string): { clientId: string; clientSecret: string } {
  const stem = name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  return { clientId: `${stem}_TORQ_CLIENT_ID`, clientSecret: `${stem}_TORQ_CLIENT_SECRET` };
}

/** A folder for one suite: the fleet file, the state backend, PULUMI_HOME. */
export interface FleetSandbox {
  dir: string;
  stateDir: string;
  /** The environment `torq-sso fleet` runs with: Pulumi's settings and every workspace's key. */
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

/** A sandbox whose environment holds every workspace's key under `keyVariables(name)`. */
export function fleetSandbox(workspaces: ReadonlyMap<string, Workspace>): FleetSandbox {
  const dir = mkdtempSync(path.join(tmpdir(), "torq-sso-fleet-e2e-"));
  const stateDir = path.join(dir, "state");
  mkdirSync(stateDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_HOME: path.join(dir, "pulumi-home"),
    PULUMI_CONFIG_PASSPHRASE: "fleet-e2e",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    NO_COLOR: "1",
  };
  for (const key of ["TORQ_API_URL", "TORQ_AUTH_URL", "TORQ_CLIENT_ID", "TORQ_CLIENT_SECRET", "TORQ_REGION", "PULUMI_BACKEND_URL"]) delete env[key];
  for (const [name, ws] of workspaces) {
    const vars = keyVariables(name);
    env[vars.clientId] = ws.ownerKey.client_id;
    env[vars.clientSecret] = ws.ownerKey.client_secret;
  }
  return { dir, stateDir, env, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fleet file's `workspaces:` entry for a local workspace, with extra YAML lines indented under it. */
export function workspaceEntry(name: string, ws: Workspace, extra: readonly string[] = []): string {
  const vars = keyVariables(name);
  return [
    `  - name: ${name}`,
    `    apiUrl: ${ws.url}`,
    `    credentials: { clientId: ${vars.clientId}, clientSecret: ${vars.clientSecret} }`,
    ...extra.map((line) => `    ${line}`),
  ].join("\n");
}

/** What a `torq-sso` run printed, and its exit code. */
/** Runs `torq-sso` with the sandbox's environment; `started` sees the child (to signal it). */
export function torqSso(sandbox: FleetSandbox, args: readonly string[], options: { started?: (child: ChildProcess) => void; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  // Its own process group, so a test can send it a Ctrl-C as a terminal does: to the whole group.
  return runCli(args, { cwd: sandbox.dir, env: { ...sandbox.env, ...options.env }, detached: true, started: options.started });
}

/** Every lock file of the state backend: a stack left locked has one. */
export function lockFiles(stateDir: string): string[] {
  const root = path.join(stateDir, ".pulumi", "locks");
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else found.push(path.relative(root, full));
    }
  };
  walk(root);
  return found;
}

/** The workspace's writes since its request log was last reset: `METHOD path` with when. */
export async function writesTo(ws: Workspace): Promise<{ method: string; path: string; at: number }[]> {
  return (await requestLog(ws))
    .filter((entry) => ["POST", "PATCH", "DELETE"].includes(entry.method) && entry.path !== TOKEN_PATH)
    .map((entry) => ({ method: entry.method, path: entry.path, at: Date.parse(entry.at) }));
}
