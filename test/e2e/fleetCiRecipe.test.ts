/**
 * The fleet's CI recipe (examples/ci/github-actions-fleet.yml and its fleet-*.sh scripts) cannot rot:
 * the workflow is read for what each job runs and with which secrets, and the scripts are run as its
 * jobs run them — the matrix, a preview job per matrix entry with the step's env evaluated against a
 * secret store, the review job merging their reports, then up and drift — on examples/fleet/fleet.yaml
 * pointed at local workspaces.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { startWorkspace, type Workspace } from "../../emulator";
import type { FleetReport } from "../../fleet/report";
import type { MatrixEntry } from "../../fleet/matrix";
import { REPO_ROOT } from "../support/repo";
import { CLI, fleetSandbox, keyVariables, type FleetSandbox } from "./fleetHarness";
import { clientFor, liveRulesText } from "./workspaceTools";

const CI_DIR = path.join(REPO_ROOT, "examples", "ci");
const EXAMPLE_FLEET = path.join(REPO_ROOT, "examples", "fleet", "fleet.yaml");
const SCRIPTS = ["fleet-matrix.sh", "fleet-preview.sh", "fleet-review.sh", "fleet-up.sh", "fleet-drift.sh"];

interface Step {
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string;
  strategy?: { matrix?: string; "fail-fast"?: boolean };
  steps: Step[];
}
interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = parse(readFileSync(path.join(CI_DIR, "github-actions-fleet.yml"), "utf8")) as Workflow;

function stepRunning(job: string, script: string): Step {
  const step = workflow.jobs[job]?.steps.find((s) => s.run === `./${script}`);
  if (!step) throw new Error(`no step of ${job} runs ./${script}`);
  return step;
}

/** A step's env as GitHub evaluates it: `${{ matrix.x }}`, `${{ secrets.NAME }}` and `${{ secrets[matrix.x] }}`. */
function evaluate(env: Record<string, string> | undefined, secrets: Record<string, string>, matrix: Partial<MatrixEntry> = {}): Record<string, string> {
  const fromMatrix = (key: string) => String((matrix as Record<string, unknown>)[key] ?? "");
  return Object.fromEntries(
    Object.entries(env ?? {}).map(([key, value]) => [
      key,
      value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => {
        let m = /^matrix\.(\w+)$/.exec(expression);
        if (m) return fromMatrix(m[1]!);
        m = /^secrets\[matrix\.(\w+)\]$/.exec(expression);
        if (m) return secrets[fromMatrix(m[1]!)] ?? "";
        m = /^secrets\.(\w+)$/.exec(expression);
        if (m) return secrets[m[1]!] ?? "";
        throw new Error(`the test does not evaluate \${{ ${expression} }}`);
      }),
    ]),
  );
}

describe("the fleet CI recipe (examples/ci/github-actions-fleet.yml)", function () {
  this.timeout(600_000);

  describe("the workflow", () => {
    const exampleVariables = [...readFileSync(EXAMPLE_FLEET, "utf8").matchAll(/client(?:Id|Secret): ([A-Z_]+)/g)].map((m) => m[1]!);

    it("previews each workspace in a matrix job of its own, its key mapped from the secret store by the matrix entry", () => {
      expect(stepRunning("plan", "fleet-matrix.sh")).to.not.equal(undefined);
      const preview = workflow.jobs["preview"]!;
      expect(preview.needs).to.equal("plan");
      expect(preview.strategy?.matrix).to.equal("${{ fromJSON(needs.plan.outputs.matrix) }}");
      expect(preview.strategy?.["fail-fast"], "one refused workspace does not cancel the others' previews").to.equal(false);
      expect(stepRunning("preview", "fleet-preview.sh").env).to.include({
        FLEET_WORKSPACES: "${{ matrix.workspaces }}",
        TORQ_FLEET_CLIENT_SECRET: "${{ secrets[matrix.clientSecretVar] }}",
      });
    });

    it("merges the reports in a final job that runs even when a preview job failed, and posts it", () => {
      const review = workflow.jobs["review"]!;
      expect(review.needs).to.equal("preview");
      expect(review.if).to.include("always()");
      expect(stepRunning("review", "fleet-review.sh")).to.not.equal(undefined);
      expect(review.steps.some((s) => s.run?.includes("gh pr comment") && s.run.includes("review.md"))).to.equal(true);
    });

    for (const [job, script] of [
      ["up", "fleet-up.sh"],
      ["drift", "fleet-drift.sh"],
    ] as const) {
      it(`${job} runs ${script} with every key the example fleet names, each from the secret store`, () => {
        const env = stepRunning(job, script).env ?? {};
        for (const name of exampleVariables) expect(env[name], name).to.equal(`\${{ secrets.${name} }}`);
      });
    }

    it("applies only on main, behind the protected environment", () => {
      expect(workflow.jobs["up"]?.if).to.include("refs/heads/main");
      expect(workflow.jobs["up"]?.environment).to.equal("torq-sso-production");
      for (const job of Object.values(workflow.jobs)) for (const s of job.steps) expect(s.run ?? "").to.not.match(/set -x|printenv|echo .*SECRET/);
    });
  });

  describe("its scripts, run as the jobs run them, on the example fleet", () => {
    const workspaces = new Map<string, Workspace>();
    let sandbox: FleetSandbox;
    let workdir: string;
    let secrets: Record<string, string>;

    /** Runs a script in `cwd` with the job's env only: no key unless the step maps it. */
    function runScript(cwd: string, script: string, stepEnv: Record<string, string>): Promise<{ code: number; output: string; githubOutput: string }> {
      const githubOutput = path.join(cwd, `github-output-${script}`);
      writeFileSync(githubOutput, "");
      const env: NodeJS.ProcessEnv = { ...sandbox.env, ...evaluate(workflow.env, secrets), ...stepEnv, TORQ_SSO: `${process.execPath} ${CLI}`, GITHUB_OUTPUT: githubOutput };
      for (const name of Object.keys(secrets)) if (!(name in stepEnv)) delete env[name];
      return new Promise((resolve, reject) => {
        const child = spawn("bash", [path.join(cwd, script)], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
          for (const secret of Object.values(secrets)) if (secret.length > 20) expect(output, `${script} never prints a key`).to.not.include(secret);
          resolve({ code: code ?? -1, output, githubOutput: readFileSync(githubOutput, "utf8") });
        });
      });
    }

    /** The pull-request pipeline: plan, a preview job per entry (each on its own runner), review. */
    async function pullRequest(): Promise<{ jobs: Map<string, number>; review: { code: number; output: string; githubOutput: string; markdown: string } }> {
      const plan = await runScript(workdir, "fleet-matrix.sh", {});
      expect(plan.code, plan.output).to.equal(0);
      const matrix = JSON.parse(/^matrix=(.*)$/m.exec(plan.githubOutput)![1]!) as { include: MatrixEntry[] };
      const artifacts = path.join(sandbox.dir, `artifacts-${Date.now()}`);
      mkdirSync(artifacts);
      const jobs = new Map<string, number>();
      for (const entry of matrix.include) {
        // A runner of its own: a fresh checkout of the working directory.
        const runner = path.join(sandbox.dir, `runner-${entry.name}-${Date.now()}`);
        cpSync(workdir, runner, { recursive: true, filter: (src) => !src.includes(`${path.sep}fleet-reports`) });
        const job = await runScript(runner, "fleet-preview.sh", evaluate(stepRunning("preview", "fleet-preview.sh").env, secrets, entry));
        jobs.set(entry.name, job.code);
        for (const report of readdirSync(path.join(runner, "fleet-reports"))) copyFileSync(path.join(runner, "fleet-reports", report), path.join(artifacts, report));
      }
      const reviewer = path.join(sandbox.dir, `review-${Date.now()}`);
      mkdirSync(reviewer);
      copyFileSync(path.join(workdir, "fleet-review.sh"), path.join(reviewer, "fleet-review.sh"));
      cpSync(artifacts, path.join(reviewer, "fleet-reports"), { recursive: true });
      const review = await runScript(reviewer, "fleet-review.sh", {});
      return { jobs, review: { ...review, markdown: readFileSync(path.join(reviewer, "review.md"), "utf8") } };
    }

    before(async () => {
      workspaces.set("staging", await startWorkspace({ port: 0, testHooks: true }));
      workspaces.set("production", await startWorkspace({ port: 0, testHooks: true }));
      sandbox = fleetSandbox(workspaces);
      secrets = {};
      for (const [name, ws] of workspaces) {
        const vars = keyVariables(name);
        secrets[vars.clientId] = ws.ownerKey.client_id;
        secrets[vars.clientSecret] = ws.ownerKey.client_secret;
      }
      workdir = path.join(sandbox.dir, "infra");
      mkdirSync(workdir);
      const example = readFileSync(EXAMPLE_FLEET, "utf8")
        .replace("http://127.0.0.1:8101", workspaces.get("staging")!.url)
        .replace("http://127.0.0.1:8102", workspaces.get("production")!.url)
        // Every runner reaches the same state backend, as CI's does.
        .replace("backend: file://./.state", `backend: file://${sandbox.stateDir}`);
      writeFileSync(path.join(workdir, "fleet.yaml"), example);
      for (const script of SCRIPTS) copyFileSync(path.join(CI_DIR, script), path.join(workdir, script));
    });
    after(async () => {
      sandbox?.dispose();
      await Promise.all([...workspaces.values()].map((ws) => ws.close()));
    });

    it("a pull request: one preview job per workspace, then one review with a summary table of both", async () => {
      const { jobs, review } = await pullRequest();
      expect([...jobs]).to.deep.equal([
        ["staging", 0],
        ["production", 0],
      ]);
      expect(review.code, review.output).to.equal(0);
      expect(review.githubOutput).to.equal("review-exit=2\n");
      expect(review.markdown.split("\n").slice(0, 6)).to.deep.equal([
        "### pulumi-torq-sso fleet preview: 2 workspace(s) — 2 changes",
        "",
        "| wave | workspace | verdict | changes | API calls | lockout guard |",
        "|---|---|---|---|--:|---|",
        "| 1 canary | `staging` | changes | ClaimMappings `sso-rules`: create: 4 added | 4 | passed; owners can sign in at every step |",
        "| 2 production | `production` | changes | ClaimMappings `sso-rules`: create: 4 added | 4 | passed; owners can sign in at every step |",
      ]);
      for (const ws of workspaces.values()) expect(await liveRulesText(clientFor(ws)), "a preview writes nothing").to.deep.equal([]);
    });

    it("a pull request the lockout guard refuses in one workspace: its job fails, the others' do not, the review says why", async () => {
      const fleetFile = path.join(workdir, "fleet.yaml");
      const good = readFileSync(fleetFile, "utf8");
      writeFileSync(fleetFile, good.replace("    rules:\n      - { claimName: groups, claimValue: sre, role: Operator }", "    breakGlassOwners: [cto@example.com]"));
      try {
        const { jobs, review } = await pullRequest();
        expect([...jobs]).to.deep.equal([
          ["staging", 0],
          ["production", 1],
        ]);
        expect(review.code).to.equal(1);
        expect(review.githubOutput).to.equal("review-exit=1\n");
        expect(review.markdown).to.include("| 2 production | `production` | ❌ **refused** |");
        expect(review.markdown).to.include("BREAK_GLASS_OWNER_NOT_OWNER: break-glass owner cto@example.com");
      } finally {
        writeFileSync(fleetFile, good);
      }
    });

    it("up on merge applies the fleet; the scheduled drift job then passes, and fails naming the workspace changed behind its back", async () => {
      const up = await runScript(workdir, "fleet-up.sh", evaluate(stepRunning("up", "fleet-up.sh").env, secrets));
      expect(up.code, up.output).to.equal(0);
      expect(await liveRulesText(clientFor(workspaces.get("production")!))).to.deep.equal([
        "email=owner@example.com>Owner",
        "groups=platform-admins>Contributor",
        "groups=engineering>Operator",
        "groups=sre>Operator",
      ]);
      const driftEnv = evaluate(stepRunning("drift", "fleet-drift.sh").env, secrets);
      const clean = await runScript(workdir, "fleet-drift.sh", driftEnv);
      expect(clean.code, clean.output).to.equal(0);

      const client = clientFor(workspaces.get("production")!);
      const live = (await client.listClaimMappings()).items;
      await client.updateClaimMapping(live[3]!.id, { rank: 1 });
      const drift = await runScript(workdir, "fleet-drift.sh", driftEnv);
      expect(drift.code).to.equal(2);
      const report = readFileSync(path.join(workdir, "drift.md"), "utf8");
      expect(report).to.include("| 1 canary | `staging` | ✅ in sync |");
      expect(report).to.include("| 2 production | `production` | ⚠️ **drift** |");
      const json = JSON.parse((await runJson(["fleet", "drift", path.join(workdir, "fleet.yaml"), "--json"])).stdout) as FleetReport;
      expect(json.workspaces.map((w) => w.status)).to.deep.equal(["no-changes", "drift"]);
    });

    function runJson(args: string[]): Promise<{ code: number; stdout: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], { cwd: workdir, env: { ...sandbox.env }, stdio: ["ignore", "pipe", "ignore"] });
        let stdout = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout }));
      });
    }
  });
});
