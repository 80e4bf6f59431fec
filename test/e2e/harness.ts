/**
 * The e2e harness: a local workspace on a loopback port, a temporary Pulumi project on the file
 * backend pointed at it, and real `pulumi` runs. The Pulumi CLI and language host come from PATH
 * (the Makefile puts them there via scripts/env.sh --pulumi).
 */
import { spawn } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startWorkspace, type Workspace } from "../../emulator";
import { REPO_ROOT } from "../support/repo";
import { DYNAMIC, PLUGIN, programFor, type ProviderMode } from "./providerModes";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertions on what a user sees. */
  output: string;
}

/** A `pulumi` command started and not waited for. */
export interface RunningCommand {
  /** The `pulumi` process, for a test that signals it. */
  pid: number;
  result: Promise<RunResult>;
}

export interface PulumiProject {
  dir: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** Starts a command and returns at once. */
  start(args: string[], extraEnv?: NodeJS.ProcessEnv): RunningCommand;
  /** Runs and fails the test with the output when the exit code is not 0. */
  ok(args: string[]): Promise<RunResult>;
  /** Replaces the program's index.ts (its `pulumi-torq-sso` import switched to the mode's module), or a YAML project's program. */
  writeProgram(source: string): void;
  dispose(): void;
}

export const PASSPHRASE = "e2e-passphrase";

/** Where `make build` puts the plugin's launcher: a project's `plugins.providers[].path`. */
export const PLUGIN_DIR = path.join(REPO_ROOT, "dist", "bin");

/** The Pulumi.yaml lines that make a project use this checkout's plugin for the `torq` package. */
export const PLUGIN_PROVIDERS_YAML = `plugins:\n  providers:\n    - name: torq\n      path: ${PLUGIN_DIR}\n`;

/** Links a project's @pulumi/pulumi, typescript and pulumi-torq-sso to this checkout: program and provider share one @pulumi/pulumi. */
export function linkNodeModules(projectDir: string): void {
  const modules = path.join(projectDir, "node_modules");
  mkdirSync(path.join(modules, "@pulumi"), { recursive: true });
  symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"), path.join(modules, "@pulumi", "pulumi"));
  symlinkSync(path.join(REPO_ROOT, "node_modules", "typescript"), path.join(modules, "typescript"));
  symlinkSync(REPO_ROOT, path.join(modules, "pulumi-torq-sso"));
  // The SDK generated from schema.json, as `make build` compiles it.
  mkdirSync(path.join(modules, "@pulumi-torq-sso"));
  symlinkSync(path.join(REPO_ROOT, "dist", "sdk-gen", "nodejs"), path.join(modules, "@pulumi-torq-sso", "torq"));
}

function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 240_000): RunningCommand {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const result = new Promise<RunResult>((resolve, reject) => {
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
  return { pid: child.pid ?? -1, result };
}

/**
 * Makes a Pulumi project from an example folder (copied) or from a program's source, with a stack
 * `dev` configured to talk to the given workspace with its owner key.
 */
/** What a project is made from; see `createProject`. */
export interface ProjectOptions {
  workspace: Workspace;
  example?: string;
  program?: string;
  name?: string;
  config?: Record<string, string>;
  /** The dynamic provider (default) or the plugin: see providerModes.ts. */
  mode?: ProviderMode;
  /**
   * A Pulumi YAML program instead (what follows `name` and `runtime` in Pulumi.yaml; always plugin
   * mode). `writeProgram` then replaces it. Needs `pulumi-language-yaml` on PATH (`make test` puts it there).
   */
  yaml?: string;
}

export async function createProject(options: ProjectOptions): Promise<PulumiProject> {
  const mode = options.yaml === undefined ? (options.mode ?? DYNAMIC) : PLUGIN;
  const root = mkdtempSync(path.join(tmpdir(), "torq-sso-e2e-"));
  const dir = path.join(root, "project");
  const state = path.join(root, "state");
  mkdirSync(state);
  if (options.example) {
    cpSync(path.join(REPO_ROOT, "examples", options.example), dir, {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}node_modules`) && !/Pulumi\..+\.yaml$/.test(path.basename(src)),
    });
  } else if (options.yaml !== undefined) {
    mkdirSync(dir);
  } else {
    mkdirSync(dir);
    writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${options.name ?? "torq-sso-e2e"}\nruntime: nodejs\n`);
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: options.name ?? "torq-sso-e2e", main: "index.ts" }, null, 2));
    writeFileSync(path.join(dir, "index.ts"), options.program ?? "");
  }
  const yamlHeader = `name: ${options.name ?? "torq-sso-e2e"}\nruntime: yaml\n${PLUGIN_PROVIDERS_YAML}`;
  if (options.yaml !== undefined) writeFileSync(path.join(dir, "Pulumi.yaml"), yamlHeader + options.yaml);
  else {
    const program = path.join(dir, "index.ts");
    writeFileSync(program, programFor(mode, readFileSync(program, "utf8")));
    if (mode !== DYNAMIC) appendFileSync(path.join(dir, "Pulumi.yaml"), PLUGIN_PROVIDERS_YAML);
    linkNodeModules(dir);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_HOME: path.join(root, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // No type-check at each run (the examples are type-checked once, by `make lint`).
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    // The program and provider processes reuse compiled code across runs (scripts/env.sh sets the same).
    NODE_COMPILE_CACHE: process.env["NODE_COMPILE_CACHE"] ?? path.join(REPO_ROOT, ".tmp", "node-compile-cache"),
    NO_COLOR: "1",
  };
  for (const key of ["TORQ_API_URL", "TORQ_AUTH_URL", "TORQ_CLIENT_ID", "TORQ_CLIENT_SECRET", "TORQ_REGION"]) delete env[key];

  const project: PulumiProject = {
    dir,
    env,
    run: (args, extraEnv) => project.start(args, extraEnv).result,
    start: (args, extraEnv) => start("pulumi", ["--non-interactive", "--color=never", ...args], dir, { ...env, ...extraEnv }),
    async ok(args) {
      const result = await project.run(args);
      if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.output}`);
      return result;
    },
    writeProgram(source) {
      if (options.yaml !== undefined) writeFileSync(path.join(dir, "Pulumi.yaml"), yamlHeader + source);
      else writeFileSync(path.join(dir, "index.ts"), programFor(mode, source));
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
