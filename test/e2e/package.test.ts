/**
 * The package outside this checkout: a clean clone builds on `npm pack` (its `prepare` script
 * compiles), and the packed tarball, installed into a fresh JavaScript program from the npm cache,
 * runs a real `pulumi preview` and `up` against a local workspace, with the `torq-sso` command on its
 * PATH. This is how a user installs it from git or from a registry.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../support/repo";
import { PASSPHRASE, startWorkspace } from "./harness";
import type { Workspace } from "../../emulator";
import { clientFor, liveRulesText } from "./workspaceTools";

/**
 * Runs a command without blocking this process: the local workspace the program talks to is served
 * from it. Resolves with the exit code, stdout and both streams together.
 */
function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, output }));
  });
}

async function ok(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<{ stdout: string; output: string }> {
  const result = await sh(command, args, cwd, env);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.code}:\n${result.output.slice(-4000)}`);
  return result;
}

const PROGRAM = `const torq = require("pulumi-torq-sso");
const rules = new torq.ClaimMappings("rules", {
  mappings: [
    { claimName: "email", claimValue: "owner@example.com", role: "Owner" },
    { claimName: "groups", claimValue: "everyone", role: "Viewer" },
  ],
  breakGlassOwners: ["owner@example.com"],
});
exports.ruleCount = rules.mappings.apply((m) => m.length);
`;

describe("the package, packed from a clean clone and installed into a fresh program", function () {
  this.timeout(900_000);
  let root: string;
  let workspace: Workspace;

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), "torq-sso-package-"));
  });
  after(async () => {
    await workspace?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("builds on npm pack from a clean clone, and the tarball holds the compiled SDK, provider and command", async () => {
    const clone = path.join(root, "clone");
    await ok("git", ["clone", "--quiet", REPO_ROOT, clone], root);
    await ok("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], clone);
    // `npm pack` runs `prepare`, which compiles: nothing was built before it.
    expect(readdirSync(clone)).to.not.include("dist");
    const packed = (await ok("npm", ["pack", "--pack-destination", root, "--json"], clone)).stdout;
    const [tarball] = JSON.parse(packed.slice(packed.indexOf("["))) as { filename: string; files: { path: string }[] }[];
    const files = tarball!.files.map((f) => f.path);
    for (const needed of ["dist/sdk/index.js", "dist/sdk/index.d.ts", "dist/provider/index.js", "dist/provider/bundle.js", "dist/cli/index.js", "schema.json", "package.json"]) {
      expect(files, needed).to.include(needed);
    }
    expect(files.some((f) => f.startsWith("dist/test/")), "no tests in the package").to.equal(false);
  });

  it("installs into a fresh JavaScript program, whose pulumi preview and up work against a workspace", async () => {
    const tarball = readdirSync(root).find((f) => f.endsWith(".tgz"))!;
    const program = path.join(root, "program");
    mkdirSync(program);
    writeFileSync(path.join(program, "Pulumi.yaml"), "name: packaged\nruntime: nodejs\n");
    writeFileSync(path.join(program, "package.json"), JSON.stringify({ name: "packaged", main: "index.js", private: true }));
    writeFileSync(path.join(program, "index.js"), PROGRAM);
    await ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", path.join(root, tarball)], program);

    const help = (await ok(path.join(program, "node_modules", ".bin", "torq-sso"), ["--help"], program)).stdout;
    expect(help).to.include("review [--json] [FILE]");

    workspace = await startWorkspace({ port: 0, testHooks: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_HOME: path.join(root, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(root, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      TORQ_API_URL: workspace.url,
      TORQ_CLIENT_ID: workspace.ownerKey.client_id,
      TORQ_CLIENT_SECRET: workspace.ownerKey.client_secret,
    };
    mkdirSync(path.join(root, "state"));
    await ok("pulumi", ["stack", "init", "dev", "--non-interactive"], program, env);
    const preview = (await ok("pulumi", ["preview", "--non-interactive", "--color=never"], program, env)).output;
    expect(preview).to.include("+ 1. email = owner@example.com → Owner");
    await ok("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], program, env);
    expect(await liveRulesText(clientFor(workspace))).to.deep.equal(["email=owner@example.com>Owner", "groups=everyone>Viewer"]);
    await ok("pulumi", ["preview", "--expect-no-changes", "--non-interactive"], program, env);
  });
});
