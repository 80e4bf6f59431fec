/**
 * A fleet whose baseline is a Pulumi program (examples/quickstart), run once per workspace through
 * the Automation API with the project's own language host, each workspace's additions as stack config.
 * And the promise behind every fleet review: the preview rebuilt from engine events reviews exactly as
 * `pulumi preview --json` of the same stack does.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { buildReview } from "../../cli/review/buildReview";
import { previewJsonSchema } from "../../cli/review/previewJson";
import { startWorkspace, type Workspace } from "../../emulator";
import type { FleetReport } from "../../fleet/report";
import { REPO_ROOT } from "../support/repo";
import { linkNodeModules } from "./harness";
import { clientFor, liveRulesText } from "./workspaceTools";
import { fleetSandbox, keyVariables, torqSso, workspaceEntry, type FleetSandbox } from "./fleetHarness";

describe("torq-sso fleet with a program as the baseline (examples/quickstart)", function () {
  this.timeout(600_000);
  const workspaces = new Map<string, Workspace>();
  let sandbox: FleetSandbox;
  let file: string;
  let projectDir: string;

  /** `pulumi preview --json` of a fleet stack, run by hand in the program's folder as a user would. */
  function pulumiPreviewJson(stack: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", ["preview", "--json", "--stack", stack, "--non-interactive"], {
        cwd: projectDir,
        env: { ...sandbox.env, PULUMI_BACKEND_URL: `file://${sandbox.stateDir}` },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.on("error", reject);
      child.on("close", () => resolve(stdout));
    });
  }

  before(async () => {
    for (const name of ["us", "eu"]) workspaces.set(name, await startWorkspace({ port: 0, testHooks: true }));
    sandbox = fleetSandbox(workspaces);
    sandbox.env["PULUMI_NODEJS_TRANSPILE_ONLY"] = "true";
    projectDir = path.join(sandbox.dir, "quickstart");
    cpSync(path.join(REPO_ROOT, "examples", "quickstart"), projectDir, { recursive: true, filter: (src) => !src.includes("node_modules") });
    linkNodeModules(projectDir);
    file = path.join(sandbox.dir, "fleet.yaml");
    writeFileSync(
      file,
      `backend: file://./state
baseline:
  program: ./quickstart
workspaces:
${workspaceEntry("us", workspaces.get("us")!, ["config: { ownerEmail: boss@example.com }"])}
${workspaceEntry("eu", workspaces.get("eu")!)}
`,
    );
  });
  after(async () => {
    sandbox?.dispose();
    await Promise.all([...workspaces.values()].map((ws) => ws.close()));
  });

  it("previews each workspace with its own config; the review equals the one of `pulumi preview --json` of the same stack", async () => {
    const result = await torqSso(sandbox, ["fleet", "preview", file, "--json"]);
    expect(result.code, result.stderr).to.equal(2);
    const report = JSON.parse(result.stdout) as FleetReport;
    expect(report.workspaces.map((w) => [w.name, w.status])).to.deep.equal([
      ["us", "changes"],
      ["eu", "changes"],
    ]);
    const usPlan = report.workspaces[0]!.review!.resources[0]!.plan;
    expect(usPlan?.resource === "ClaimMappings" && usPlan.operation !== "delete" ? usPlan.calls[0]?.description : usPlan).to.equal("POST email = boss@example.com → Owner");

    // The fleet wrote the stack's config where Pulumi keeps it: the program's folder, the key's secret encrypted.
    const settings = readFileSync(path.join(projectDir, "Pulumi.us.yaml"), "utf8");
    expect(settings).to.include("torq-sso-quickstart:ownerEmail: boss@example.com");
    expect(settings).to.match(/torq:clientSecret:\s+secure: /);
    expect(settings).to.not.include(workspaces.get("us")!.ownerKey.client_secret);

    const byHand = previewJsonSchema.parse(JSON.parse(await pulumiPreviewJson("us")));
    const vars = keyVariables("us");
    const expected = await buildReview(byHand, { TORQ_CLIENT_ID: sandbox.env[vars.clientId], TORQ_CLIENT_SECRET: sandbox.env[vars.clientSecret] });
    expect(report.workspaces[0]!.review).to.deep.equal(expected);
  });

  it("applies each workspace's program run, and then finds it in sync", async () => {
    const up = await torqSso(sandbox, ["fleet", "up", file]);
    expect(up.code, up.stderr).to.equal(0);
    expect(up.stdout.split("\n")[0]).to.equal("### pulumi-torq-sso fleet up: 2 workspace(s) — 2 applied");
    const rules = (owner: string) => [`email=${owner}>Owner`, "groups=platform-admins>Contributor", "groups=engineering>Operator", "groups=everyone>Viewer"];
    expect(await liveRulesText(clientFor(workspaces.get("us")!))).to.deep.equal(rules("boss@example.com"));
    expect(await liveRulesText(clientFor(workspaces.get("eu")!))).to.deep.equal(rules("owner@example.com"));
    const drift = await torqSso(sandbox, ["fleet", "drift", file]);
    expect(drift.code, drift.stdout).to.equal(0);
    expect(existsSync(path.join(projectDir, "Pulumi.eu.yaml"))).to.equal(true);
  });
});
