/**
 * One workspace's stack, opened through the Automation API: created on first use, its connection set
 * as stack config from the fleet file — the API key's secret as a config *secret*, read from the
 * environment variable the file names, handed to `pulumi config set --secret` on standard input (the
 * Automation API's own setConfig puts values on the command line, where any local user's `ps` sees
 * them), never printed.
 */
import { spawn } from "node:child_process";
import { LocalWorkspace, Stack, type LocalWorkspaceOptions, type PulumiCommand, type StackSettings } from "@pulumi/pulumi/automation";
import { FleetCredentialsError, FleetStackError } from "./errors";
import type { Fleet, FleetWorkspace } from "./loadFleetFile";
import { rulesProgram } from "./rulesProgram";
import { CONNECTION_CONFIG_KEYS } from "./schema";

/** A workspace's API key, read from the environment variables its entry names. */
export interface WorkspaceCredentials {
  clientId: string;
  clientSecret: string;
}

/** Reads a workspace's API key from the environment, or says which variables are missing (never a value). */
export function readCredentials(workspace: FleetWorkspace, env: NodeJS.ProcessEnv): WorkspaceCredentials {
  const { clientId, clientSecret } = workspace.credentials;
  const missing = [clientId, clientSecret].filter((name) => !env[name]?.trim());
  if (missing.length) throw new FleetCredentialsError(`${workspace.name}: ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set (the workspace's credentials)`);
  return { clientId: env[clientId]!.trim(), clientSecret: env[clientSecret]!.trim() };
}

/** Where a fleet's stacks run: the fleet, the Pulumi command, and the inline program's project folder. */
export interface StackSetting {
  fleet: Fleet;
  command: PulumiCommand;
  /** The inline program's project folder (a baseline declared in the file); unused for a program baseline. */
  rulesDir: string;
}

/** The stack config a workspace's connection is: region or URLs and the client id (the secret apart). */
export function connectionConfig(workspace: FleetWorkspace, credentials: WorkspaceCredentials): Record<string, string> {
  const config: Record<string, string> = { "torq:clientId": credentials.clientId };
  if (workspace.region) config["torq:region"] = workspace.region;
  if (workspace.apiUrl) config["torq:apiUrl"] = workspace.apiUrl;
  if (workspace.authUrl) config["torq:authUrl"] = workspace.authUrl;
  return config;
}

/** The environment every Pulumi command of the fleet adds: the fleet's backend, when the file names one. */
export function fleetEnv(fleet: Fleet): Record<string, string> {
  return fleet.backend ? { PULUMI_BACKEND_URL: fleet.backend } : {};
}

/** Runs `pulumi config set --secret KEY` with the value on standard input; rejects with Pulumi's own one-line reason. */
function setSecretConfig(setting: StackSetting, workDir: string, stack: string, key: string, value: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(setting.command.command, ["config", "set", "--secret", "--stack", stack, "--non-interactive", "--", key], {
      cwd: workDir,
      env: { ...process.env, ...fleetEnv(setting.fleet) },
      stdio: ["pipe", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new FleetStackError(`setting ${key} of stack ${stack} failed: ${pulumiErrorLine(stderr) ?? `pulumi exited ${code}`}`));
    });
    child.stdin.end(value);
  });
}

/** The first `error:` line Pulumi wrote, without its prefix. */
export function pulumiErrorLine(stderr: string): string | undefined {
  const line = stderr.split("\n").find((l) => /^\s*error: /.test(l));
  return line?.replace(/^\s*error: /, "").trim();
}

/**
 * Writes the workspace's plain config into the stack's settings file (no Pulumi command needed),
 * dropping connection settings a previous run left that the fleet file no longer gives.
 */
async function writePlainConfig(workspace: LocalWorkspace, stack: string, values: Record<string, string>): Promise<void> {
  let settings: StackSettings = {};
  try {
    settings = await workspace.stackSettings(stack);
  } catch {
    // No settings file yet (Pulumi Cloud stacks get none until config is set).
  }
  const config = { ...(settings.config ?? {}) };
  for (const key of CONNECTION_CONFIG_KEYS) delete config[key];
  await workspace.saveStackSettings(stack, { ...settings, config: { ...config, ...values } });
}

/** Opens (creating on first use) the workspace's stack and sets its config; the secret goes last, through standard input. */
export async function openWorkspaceStack(setting: StackSetting, workspace: FleetWorkspace, credentials: WorkspaceCredentials): Promise<Stack> {
  const { fleet } = setting;
  const options: LocalWorkspaceOptions = { pulumiCommand: setting.command, envVars: fleetEnv(fleet) };
  const local = fleet.programDir
    ? await LocalWorkspace.create({ ...options, workDir: fleet.programDir })
    : await LocalWorkspace.create({ ...options, workDir: setting.rulesDir, program: rulesProgram(workspace.rules!) });
  let stack: Stack;
  try {
    stack = await Stack.createOrSelect(workspace.stack, local);
  } catch (err) {
    throw new FleetStackError(`selecting stack ${workspace.stack} failed: ${pulumiErrorLine(err instanceof Error ? err.message : String(err)) ?? "see pulumi's output"}`);
  }
  await writePlainConfig(local, workspace.stack, { ...workspace.config, ...connectionConfig(workspace, credentials) });
  await setSecretConfig(setting, local.workDir, workspace.stack, "torq:clientSecret", credentials.clientSecret);
  return stack;
}
