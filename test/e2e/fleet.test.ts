/**
 * A fleet of 20 local workspaces through `torq-sso fleet`, as a platform team runs it: one reviewed
 * preview, a rollout wave by wave, drift found in exactly the workspaces changed behind the fleet's
 * back, and a refused wave that stops the rollout with the later waves untouched. One stack per
 * workspace through the Automation API, real `pulumi` on the file backend.
 */
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { startWorkspace, type Workspace } from "../../emulator";
import type { FleetReport, WorkspaceStatus } from "../../fleet/report";
import type { TorqClient } from "../../provider/client/client";
import { clientFor, liveRulesText, testHook } from "./workspaceTools";
import { fleetSandbox, lockFiles, torqSso, workspaceEntry, writesTo, type FleetSandbox } from "./fleetHarness";

const COUNT = 20;
const NAMES = Array.from({ length: COUNT }, (_, i) => `w${String(i + 1).padStart(2, "0")}`);
const WAVES = { canary: NAMES.slice(0, 1), early: NAMES.slice(1, 10), late: NAMES.slice(10) };
const BASELINE = ["email=owner@example.com>Owner", "groups=engineering>Operator", "groups=everyone>Viewer"];
const teamRule = (name: string) => `groups=team-${name}>Operator`;

/** The fleet file: the baseline, each workspace's own team rule after it, three waves; `extra` adds lines under a workspace. */
function fleetFile(workspaces: ReadonlyMap<string, Workspace>, options: { baselineExtra?: string; extra?: Record<string, string[]> } = {}): string {
  const entries = NAMES.map((name) =>
    workspaceEntry(name, workspaces.get(name)!, [`rules: [{ claimName: groups, claimValue: team-${name}, role: Operator }]`, ...(options.extra?.[name] ?? [])]),
  );
  return `project: fleet-e2e
backend: file://./state
baseline:
  claimMappings:
    mappings:
      - { claimName: email, claimValue: owner@example.com, role: Owner }
      - { claimName: groups, claimValue: engineering, role: Operator }
      - { claimName: groups, claimValue: everyone, role: Viewer }
${options.baselineExtra ?? ""}    breakGlassOwners: [owner@example.com]
workspaces:
${entries.join("\n")}
waves:
${Object.entries(WAVES)
  .map(([name, members]) => `  - { name: ${name}, workspaces: [${members.join(", ")}] }`)
  .join("\n")}
`;
}

function statuses(report: FleetReport): Record<string, WorkspaceStatus> {
  return Object.fromEntries(report.workspaces.map((w) => [w.name, w.status]));
}

const every = (names: readonly string[], status: WorkspaceStatus) => Object.fromEntries(names.map((n) => [n, status]));

describe(`torq-sso fleet: ${COUNT} local workspaces, one baseline`, function () {
  this.timeout(1_200_000);
  const workspaces = new Map<string, Workspace>();
  const clients = new Map<string, TorqClient>();
  let sandbox: FleetSandbox;
  let file: string;

  /** Keeps a --json report in a file, as a CI job does. */
  function saved(report: string): string {
    const reportFile = path.join(sandbox.dir, `report-${Date.now()}.json`);
    writeFileSync(reportFile, report);
    return reportFile;
  }

  async function resetLogs(): Promise<void> {
    await Promise.all([...workspaces.values()].map((ws) => testHook(ws, "POST", "reset")));
  }

  before(async () => {
    for (const name of NAMES) {
      const ws = await startWorkspace({ port: 0, testHooks: true });
      workspaces.set(name, ws);
      clients.set(name, clientFor(ws));
    }
    sandbox = fleetSandbox(workspaces);
    file = path.join(sandbox.dir, "fleet.yaml");
    writeFileSync(file, fleetFile(workspaces));
  });
  after(async () => {
    sandbox?.dispose();
    await Promise.all([...workspaces.values()].map((ws) => ws.close()));
  });

  it("previews every workspace into one review: a summary table of all 20 first, then a section each; nothing is written", async () => {
    const json = await torqSso(sandbox, ["fleet", "preview", file, "--json"]);
    expect(json.code, json.stderr).to.equal(2);
    const report = JSON.parse(json.stdout) as FleetReport;
    expect(statuses(report)).to.deep.equal(every(NAMES, "changes"));
    for (const ws of report.workspaces) {
      const plan = ws.review?.resources[0]?.plan;
      expect(plan?.resource === "ClaimMappings" && plan.operation !== "delete" ? plan.calls.map((c) => c.description) : plan, ws.name).to.deep.equal([
        "POST email = owner@example.com → Owner",
        "POST groups = engineering → Operator",
        "POST groups = everyone → Viewer",
        `POST groups = team-${ws.name} → Operator`,
      ]);
    }
    // The Markdown of the same report: what `fleet preview` prints without --json, and `merge-reports` of its JSON.
    const markdown = await torqSso(sandbox, ["fleet", "merge-reports", saved(json.stdout)]);
    expect(markdown.code).to.equal(2);
    const lines = markdown.stdout.split("\n");
    expect(lines[0]).to.equal(`### pulumi-torq-sso fleet preview: ${COUNT} workspace(s) — ${COUNT} changes`);
    const tableRows = lines.slice(4, 4 + COUNT);
    expect(tableRows.map((row) => row.split(" | ")[1])).to.deep.equal(NAMES.map((n) => `\`${n}\``));
    expect(tableRows[1]).to.equal("| 2 early | `w02` | changes | ClaimMappings `sso-rules`: create: 4 added | 4 | passed; owners can sign in at every step |");
    expect(lines.filter((l) => l.startsWith("## ")).length).to.equal(COUNT);
    for (const [name, ws] of workspaces) expect(await writesTo(ws), name).to.deep.equal([]);
    expect(lockFiles(sandbox.stateDir)).to.deep.equal([]);
  });

  it("applies the fleet wave by wave: every workspace gets the baseline, then its own rule", async () => {
    await resetLogs();
    const up = await torqSso(sandbox, ["fleet", "up", file, "--json"]);
    expect(up.code, up.stderr).to.equal(0);
    const report = JSON.parse(up.stdout) as FleetReport;
    expect(statuses(report)).to.deep.equal(every(NAMES, "applied"));
    for (const ws of report.workspaces) expect(ws.steps, ws.name).to.deep.equal([{ kind: "ClaimMappings", name: "sso-rules", op: "create" }]);
    for (const name of NAMES) expect(await liveRulesText(clients.get(name)!), name).to.deep.equal([...BASELINE, teamRule(name)]);
    // A wave starts only when the one before it has finished: its first write comes after their last.
    const writes = new Map<string, number[]>();
    for (const [name, ws] of workspaces) writes.set(name, (await writesTo(ws)).map((w) => w.at));
    const span = (names: readonly string[]) => ({ first: Math.min(...names.flatMap((n) => writes.get(n)!)), last: Math.max(...names.flatMap((n) => writes.get(n)!)) });
    expect(span(WAVES.canary).last).to.be.at.most(span(WAVES.early).first);
    expect(span(WAVES.early).last).to.be.at.most(span(WAVES.late).first);
    expect(lockFiles(sandbox.stateDir)).to.deep.equal([]);
  });

  it("finds drift in exactly the workspaces changed behind the fleet's back", async () => {
    const inSync = await torqSso(sandbox, ["fleet", "drift", file, "--json"]);
    expect(inSync.code, inSync.stderr).to.equal(0);
    expect(statuses(JSON.parse(inSync.stdout) as FleetReport)).to.deep.equal(every(NAMES, "no-changes"));

    const roles = new Map((await clients.get("w03")!.listRoles()).map((r) => [r.name, r.id]));
    const rules = async (name: string) => (await clients.get(name)!.listClaimMappings()).items;
    // One workspace per wave-mate: a rule added, one moved, one's role changed.
    await clients.get("w03")!.createClaimMapping({ claim_name: "groups", claim_value: "intruders", role_id: roles.get("Owner")! });
    await clients.get("w12")!.updateClaimMapping((await rules("w12"))[3]!.id, { rank: 2 });
    await clients.get("w20")!.updateClaimMapping((await rules("w20"))[2]!.id, { role_id: roles.get("Contributor")! });

    const drift = await torqSso(sandbox, ["fleet", "drift", file, "--json"]);
    expect(drift.code, drift.stderr).to.equal(2);
    const report = JSON.parse(drift.stdout) as FleetReport;
    expect(statuses(report)).to.deep.equal({ ...every(NAMES, "no-changes"), w03: "drift", w12: "drift", w20: "drift" });
    const w03 = report.workspaces.find((w) => w.name === "w03")!.review!.resources[0]!.plan;
    expect(w03?.resource === "ClaimMappings" && w03.operation !== "delete" && w03.drift?.grantsOwner).to.deep.equal(["groups = intruders → Owner (added at 5)"]);
    const markdown = await torqSso(sandbox, ["fleet", "merge-reports", saved(drift.stdout)]);
    expect(markdown.code).to.equal(2);
    expect(markdown.stdout.split("\n")[0]).to.equal(`### pulumi-torq-sso fleet drift: ${COUNT} workspace(s) — 17 in sync, 3 drift`);
    expect(markdown.stdout.split("\n").filter((l) => l.startsWith("## "))).to.deep.equal([
      "## `w03` — wave 2 (early): ⚠️ **drift**",
      "## `w12` — wave 3 (late): ⚠️ **drift**",
      "## `w20` — wave 3 (late): ⚠️ **drift**",
    ]);
  });

  it("stops the rollout at a refused wave: the rest of that wave applies, later waves are untouched", async () => {
    const lateBefore = new Map<string, string[]>();
    for (const name of WAVES.late) lateBefore.set(name, await liveRulesText(clients.get(name)!));
    const w05Before = await liveRulesText(clients.get("w05")!);
    // Every workspace gets a new baseline rule; w05's own addition would lock its owners out.
    writeFileSync(
      file,
      fleetFile(workspaces, {
        baselineExtra: "      - { claimName: groups, claimValue: auditors, role: Viewer }\n",
        extra: { w05: ["breakGlassOwners: [cto@example.com]"] },
      }),
    );
    await resetLogs();
    const up = await torqSso(sandbox, ["fleet", "up", file]);
    expect(up.code, up.stderr).to.equal(1);
    expect(up.stderr).to.include("torq-sso: rollout stopped before wave late: w05 did not apply");
    expect(up.stderr).to.include(`torq-sso: to finish, fix what stopped it and run: torq-sso fleet up ${file} --only w05,${WAVES.late.join(",")}`);
    expect(up.stdout).to.include("**Rollout stopped before wave `late`** because of `w05`; later waves were not touched.");
    expect(up.stdout).to.match(/## `w05` — wave 2 \(early\): ❌ \*\*refused\*\*[\s\S]*lockout guard: refusing[\s\S]*BREAK_GLASS_OWNER_NOT_OWNER: break-glass owner cto@example\.com/);

    for (const name of [...WAVES.canary, ...WAVES.early.filter((n) => n !== "w05")]) {
      // w03's drift is restored on the way.
      expect(await liveRulesText(clients.get(name)!), name).to.deep.equal([...BASELINE, "groups=auditors>Viewer", teamRule(name)]);
    }
    expect(await liveRulesText(clients.get("w05")!), "the refused workspace is as it was").to.deep.equal(w05Before);
    expect(await writesTo(workspaces.get("w05")!)).to.deep.equal([]);
    for (const name of WAVES.late) {
      expect(await writesTo(workspaces.get(name)!), `${name} got no write`).to.deep.equal([]);
      expect(await liveRulesText(clients.get(name)!), `${name} is as it was, its drift included`).to.deep.equal(lateBefore.get(name));
    }
    expect(lockFiles(sandbox.stateDir)).to.deep.equal([]);
  });
});
