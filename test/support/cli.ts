/** Running the compiled `torq-sso` command as a user does, for the tests of its commands. */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "./repo";

/** The compiled command's entry point (`make build`). */
export const CLI = path.join(REPO_ROOT, "dist", "cli", "index.js");

export interface CliResult {
  /** The exit code; -1 when a signal ended it. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** The whole environment of the command (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Its own process group, so a test can send the group a Ctrl-C as a terminal does. */
  detached?: boolean;
  /** Sees the child as soon as it is started (to signal it). */
  started?: (child: ChildProcess) => void;
}

/** Runs `torq-sso ARGS…` with this Node, and collects its output. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: options.detached ?? false,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    options.started?.(child);
  });
}
