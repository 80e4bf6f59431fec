/**
 * The e2e harness: a local workspace on a loopback port, a temporary Pulumi project on the file
 * backend pointed at it, and real `pulumi` runs. The Pulumi CLI and language host come from PATH
 * (the Makefile puts them there via scripts/env.sh --pulumi).
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startWorkspace, type Workspace } from "../../emulator";
import { REPO_ROOT } from "../support/repo";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertions on what a user sees. */
  output: string;
}

export interface PulumiProject {
  dir: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** Runs and fails the test with the output when the exit code is not 0. */
  ok(args: string[]): Promise<RunResult>;
  /** Replaces the program's index.ts. */
  writeProgram(source: string): void;
  dispose(): void;
}

export const PASSPHRASE = "e2e-passphrase";

/** Links a project's @pulumi/pulumi, typescript and pulumi-torq-sso to this checkout: program and provider share one @pulumi/pulumi. */
export function linkNodeModules(projectDir: string): void {
  const modules = path.join(projectDir, "node_modules");
  mkdirSync(path.join(modules, "@pulumi"), { recursive: true });
  symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"), path.join(modules, "@pulumi", "pulumi"));
  symlinkSync(path.join(REPO_ROOT, "node_modules", "typescript"), path.join(modules, "typescript"));
  symlinkSync(REPO_ROOT, path.join(modules, "pulumi-torq-sso"));
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      output += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, output });
    });
  });
}

/**
 * Makes a Pulumi project from an example folder (copied) or from a program's source, with a stack
 * `dev` configured to talk to the given workspace with its owner key.
 */
export async function createProject(options: {
  workspace: Workspace;
  example?: string;
  program?: string;
  name?: string;
  config?: Record<string, string>;
}): Promise<PulumiProject> {
  const root = mkdtempSync(path.join(tmpdir(), "torq-sso-e2e-"));
  const dir = path.join(root, "project");
  const state = path.join(root, "state");
  mkdirSync(state);
  if (options.example) {
    cpSync(path.join(REPO_ROOT, "examples", options.example), dir, {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}node_modules`) && !/Pulumi\..+\.yaml$/.test(path.basename(src)),
    });
  } else {
    mkdirSync(dir);
    writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${options.name ?? "torq-sso-e2e"}\nruntime: nodejs\n`);
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: options.name ?? "torq-sso-e2e", main: "index.ts" }, null, 2));
    writeFileSync(path.join(dir, "index.ts"), options.program ?? "");
  }
  linkNodeModules(dir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_HOME: path.join(root, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    NO_COLOR: "1",
  };
  for (const key of ["TORQ_API_URL", "TORQ_AUTH_URL", "TORQ_CLIENT_ID", "TORQ_CLIENT_SECRET", "TORQ_REGION"]) delete env[key];

  const project: PulumiProject = {
    dir,
    env,
    run: (args, extraEnv) => run("pulumi", ["--non-interactive", "--color=never", ...args], dir, { ...env, ...extraEnv }),
    async ok(args) {
      const result = await project.run(args);
      if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.output}`);
      return result;
    },
    writeProgram(source) {
      writeFileSync(path.join(dir, "index.ts"), source);
    },
    dispose() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  await project.ok(["stack", "init", "dev"]);
  const config: Record<string, string> = {
    "torq:apiUrl": options.workspace.url,
    "torq:clientId": options.workspace.ownerKey.client_id,
    ...options.config,
  };
  // `--` ends the flags, so a value that starts with `-` is still a value.
  for (const [key, value] of Object.entries(config)) await project.ok(["config", "set", "--", key, value]);
  await project.ok(["config", "set", "--secret", "--", "torq:clientSecret", options.workspace.ownerKey.client_secret]);
  return project;
}

export { startWorkspace };
