import { expect } from "chai";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { tokenResponseSchema } from "../../provider/schemas/api";
import { makeTempDir, removeTempDir, requestToken } from "./workspaceHarness";
import { CLI, runCli } from "../support/cli";

describe("torq-sso workspace serve", () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeTempDir(dir));

  it("prints exactly one JSON line with --json, serves the token endpoint, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [CLI, "workspace", "serve", "--json", "--port", "0", "--data", join(dir, "ws.db")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const lines = createInterface({ input: child.stdout });
    const line = await Promise.race([
      once(lines, "line").then(([first]) => first as string),
      once(child, "exit").then(([code]) => {
        throw new Error(`the command exited (${String(code)}) before printing its line: ${stderr}`);
      }),
    ]);
    const printed = JSON.parse(line) as Record<string, string>;
    expect(Object.keys(printed)).to.deep.equal(["url", "client_id", "client_secret"]);
    expect(printed["url"]).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);

    const answer = await requestToken(printed["url"]!, { client_id: printed["client_id"]!, client_secret: printed["client_secret"]! });
    expect(answer.status).to.equal(200);
    tokenResponseSchema.parse(answer.body);

    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).to.equal(0);
    expect(stdout.trim().split("\n")).to.have.length(1);
  });

  for (const help of ["--help", "-h"]) {
    it(`prints its usage and options on stdout with ${help}, exit 0, without starting`, async () => {
      const child = spawn(process.execPath, [CLI, "workspace", "serve", "--data", join(dir, "ws.db"), help], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      const [code] = (await once(child, "exit")) as [number | null];
      expect(code).to.equal(0);
      expect(stdout.split("\n")[0]).to.equal("usage: torq-sso workspace serve [--port N] [--data FILE] [--test-hooks] [--torq-compatible] [--json]");
      for (const option of ["--port N", "--data FILE", "--test-hooks", "--torq-compatible", "--json", "TORQ_LOCAL_WORKSPACE_KEY"]) expect(stdout).to.contain(option);
      expect(existsSync(join(dir, "ws.db")), "nothing was started").to.equal(false);
    });
  }

  it("answers --help for the workspace group (exit 0) and names a missing or unknown subcommand (exit 2)", async () => {
    const run = (...args: string[]) => runCli(args);
    const group = await run("workspace", "--help");
    expect(group.code).to.equal(0);
    expect(group.stdout).to.contain("torq-sso workspace serve [--port N]");
    expect(await run("workspace")).to.deep.equal({ code: 2, stdout: "", stderr: "torq-sso: workspace needs a command (see torq-sso workspace --help)\n" });
    expect(await run("workspace", "start")).to.deep.equal({ code: 2, stdout: "", stderr: "torq-sso: unknown command 'workspace start' (see torq-sso workspace --help)\n" });
    const overview = await run("--help");
    expect(overview.code).to.equal(0);
    for (const command of ["workspace serve", "metadata inspect", "evaluate", "review", "test-login"]) expect(overview.stdout).to.contain(`\n  ${command} `);
  });

  for (const args of [["--port", "http"], ["--port", "70000"], ["--bogus"], ["extra"], ["--data"]]) {
    it(`exits non-zero with a one-line reason for ${args.join(" ")}`, async () => {
      const child = spawn(process.execPath, [CLI, "workspace", "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      const [code] = (await once(child, "exit")) as [number | null];
      expect(code).not.to.equal(0);
      expect(stderr.trim().split("\n")).to.have.length(1);
      expect(stderr).to.match(/^torq-sso: /);
    });
  }
});
