/**
 * Stopping a fleet rollout: Ctrl-C at a terminal (SIGINT to the whole process group) and SIGTERM (to
 * `torq-sso` alone, as a CI runner sends it) both cancel cleanly — no stack left locked, nothing new
 * started, a summary of what was applied and the command that finishes the rollout, which then does.
 */
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { startWorkspace, type Workspace } from "../../emulator";
import type { FleetReport } from "../../fleet/report";
import { clientFor, liveRulesText, requestLog, testHook } from "./workspaceTools";
import { fleetSandbox, lockFiles, torqSso, workspaceEntry, type FleetSandbox } from "./fleetHarness";

const NAMES = ["a", "b", "c"];
const RULES = ["email=owner@example.com>Owner", "groups=engineering>Operator", "groups=everyone>Viewer"];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("torq-sso fleet up, interrupted", function () {
  this.timeout(600_000);
  const workspaces = new Map<string, Workspace>();
  let sandbox: FleetSandbox;
  let file: string;

  /** Every claim-mapping write takes `ms` (the workspace is slow), so an interrupt lands mid-apply. */
  async function slowWrites(ms: number): Promise<void> {
    for (const ws of workspaces.values()) {
      await testHook(ws, "POST", "reset");
      await testHook(ws, "POST", "faults", { method: "POST", path: "/public/v1alpha/sso/claim_mappings", delay_ms: ms, times: 100 });
    }
  }

  /**
   * Runs `fleet up --json`, sending `signal` once `workspace`'s update is under way: its provider has
   * read the workspace's rules (Pulumi then has the stack locked and its own Ctrl-C handling in place).
   */
  async function interruptedUp(workspace: string, signal: "SIGINT" | "SIGTERM", toGroup: boolean): Promise<{ code: number; report: FleetReport; stderr: string }> {
    let pid: number | undefined;
    // One at a time, so what runs when the signal comes is known.
    const run = torqSso(sandbox, ["fleet", "up", file, "--json", "--concurrency", "1"], { started: (child) => (pid = child.pid) });
    let finished: string | undefined;
    void run.then((r) => (finished = `${r.code}: ${r.stderr}`));
    const ws = workspaces.get(workspace)!;
    const readRules = async () => (await requestLog(ws)).some((entry) => entry.method === "GET" && entry.path === "/public/v1alpha/sso/claim_mappings");
    for (let waited = 0; !(await readRules()); waited += 50) {
      if (finished !== undefined) throw new Error(`fleet up ended before ${workspace}'s update started: ${finished}`);
      if (waited > 120_000) throw new Error(`${workspace}'s update never started`);
      await sleep(50);
    }
    process.kill(toGroup ? -pid! : pid!, signal);
    const result = await run;
    return { code: result.code, report: JSON.parse(result.stdout) as FleetReport, stderr: result.stderr };
  }

  before(async () => {
    for (const name of NAMES) workspaces.set(name, await startWorkspace({ port: 0, testHooks: true }));
    sandbox = fleetSandbox(workspaces);
    file = path.join(sandbox.dir, "fleet.yaml");
    writeFileSync(
      file,
      `backend: file://./state
baseline:
  claimMappings:
    mappings:
      - { claimName: email, claimValue: owner@example.com, role: Owner }
      - { claimName: groups, claimValue: engineering, role: Operator }
      - { claimName: groups, claimValue: everyone, role: Viewer }
workspaces:
${NAMES.map((name) => workspaceEntry(name, workspaces.get(name)!)).join("\n")}
waves:
  - { name: canary, workspaces: [a] }
  - { name: rest, workspaces: [b, c] }
`,
    );
  });
  after(async () => {
    sandbox?.dispose();
    await Promise.all([...workspaces.values()].map((ws) => ws.close()));
  });

  it("on Ctrl-C (SIGINT to the process group): cancels the running stack cleanly, starts nothing more, says how to finish", async () => {
    await slowWrites(2_000);
    const { code, report, stderr } = await interruptedUp("a", "SIGINT", true);
    expect(code, stderr).to.equal(130);
    expect(report.interrupted).to.equal(true);
    expect(report.workspaces.map((w) => [w.name, w.status])).to.deep.equal([
      ["a", "cancelled"],
      ["b", "not-started"],
      ["c", "not-started"],
    ]);
    expect(stderr).to.include("torq-sso: SIGINT: cancelling: no new workspace starts");
    expect(stderr, stderr).to.include(`torq-sso: to finish, run: torq-sso fleet up ${file} --only a,b,c\n`);
    expect(lockFiles(sandbox.stateDir), "no stack is left locked").to.deep.equal([]);
    for (const name of ["b", "c"]) expect(await liveRulesText(clientFor(workspaces.get(name)!)), name).to.deep.equal([]);
    // Pulumi's cancel lets a resource operation under way finish: the canary has all its rules or none, never some.
    expect([[], RULES]).to.deep.include(await liveRulesText(clientFor(workspaces.get("a")!)));
  });

  it("on SIGTERM to torq-sso alone: the same; and the command it names then finishes the rollout", async () => {
    await slowWrites(2_000);
    const { code, report, stderr } = await interruptedUp("b", "SIGTERM", false);
    expect(code, stderr).to.equal(130);
    expect(stderr).to.include("torq-sso: SIGTERM: cancelling");
    // The canary finished this time (applying what the interrupt left, if anything); b was running, c was next.
    expect(report.workspaces.map((w) => w.status)).to.deep.equal([report.workspaces[0]!.status, "cancelled", "not-started"]);
    expect(["applied", "no-changes"]).to.include(report.workspaces[0]!.status);
    expect(stderr).to.include(`torq-sso: to finish, run: torq-sso fleet up ${file} --only b,c`);
    expect(lockFiles(sandbox.stateDir)).to.deep.equal([]);

    await slowWrites(0);
    const finish = await torqSso(sandbox, ["fleet", "up", file, "--only", "b,c", "--json"]);
    expect(finish.code, finish.stderr).to.equal(0);
    for (const name of NAMES) expect(await liveRulesText(clientFor(workspaces.get(name)!)), name).to.deep.equal(RULES);
    const drift = await torqSso(sandbox, ["fleet", "drift", file]);
    expect(drift.code, drift.stdout).to.equal(0);
  });

  it("leaves no stack locked even when the signal comes the instant Pulumi takes the lock (before its own Ctrl-C handling)", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      let pid: number | undefined;
      const run = torqSso(sandbox, ["fleet", "up", file, "--only", "a", "--json"], { started: (child) => (pid = child.pid) });
      let done = false;
      void run.then(() => (done = true));
      // The stack exists: the lock that appears is the update's.
      while (!done && lockFiles(sandbox.stateDir).length === 0) await sleep(5);
      if (!done) process.kill(pid!, "SIGTERM");
      const result = await run;
      expect([0, 130], result.stderr).to.include(result.code);
      expect(lockFiles(sandbox.stateDir), `attempt ${attempt + 1}`).to.deep.equal([]);
    }
  });
});
