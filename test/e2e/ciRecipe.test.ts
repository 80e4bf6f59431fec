/**
 * The CI recipe of examples/ci cannot rot: the workflow is read to check that each job runs its
 * script with credentials from the secret store only, and those scripts are run, as the jobs run
 * them, against a local workspace — a pull request's preview and review, an apply, and the drift check
 * finding a change made in the workspace behind the stack's back.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { TorqClient } from "../../provider/client/client";
import { REPO_ROOT } from "../support/repo";
import type { PulumiProject, RunResult } from "./harness";
import { TEST_OIDC_PROVIDER, useScene } from "./scene";
import type { Workspace } from "../../emulator";
import { liveRules } from "./workspaceTools";

const CI_DIR = path.join(REPO_ROOT, "examples", "ci");
const SCRIPTS = { preview: "preview.sh", drift: "drift.sh", up: "up.sh" } as const;

interface Workflow {
  jobs: Record<string, { if?: string; environment?: string; steps: { run?: string; env?: Record<string, string> }[] }>;
}

describe("the CI recipe (examples/ci)", function () {
  this.timeout(600_000);

  describe("the GitHub Actions workflow", () => {
    const workflow = parse(readFileSync(path.join(CI_DIR, "github-actions.yml"), "utf8")) as Workflow;

    for (const [job, script] of Object.entries(SCRIPTS)) {
      it(`runs ${script} in the ${job} job, with the Torq key from the secret store only`, () => {
        const steps = workflow.jobs[job]?.steps ?? [];
        const step = steps.find((s) => s.run === `./${script}`);
        expect(step, `a step of ${job} runs ./${script}`).to.not.equal(undefined);
        expect(step?.env?.["TORQ_CLIENT_SECRET"]).to.equal("${{ secrets.TORQ_CLIENT_SECRET }}");
        for (const s of steps) expect(s.run ?? "", "no step prints the environment or traces commands").to.not.match(/set -x|printenv|\benv\b$|echo .*SECRET/);
      });
    }

    it("applies only on main, behind the protected environment, and previews every pull request", () => {
      expect(workflow.jobs["up"]?.if).to.include("refs/heads/main");
      expect(workflow.jobs["up"]?.environment).to.equal("torq-sso-production");
      expect(workflow.jobs["preview"]?.if).to.include("pull_request");
      expect(workflow.jobs["drift"]?.if).to.include("schedule");
    });
  });

  describe("its scripts, run as the jobs run them, against a local workspace", () => {
    let workspace: Workspace;
    let client: TorqClient;
    let project: PulumiProject;
    let outputFile: string;

    /** Runs a script of the recipe in the program's folder, with the job's environment: stack name and Torq key. */
    function runScript(name: string): Promise<RunResult> {
      return new Promise((resolve, reject) => {
        const child = spawn("bash", [path.join(project.dir, name)], {
          cwd: project.dir,
          env: {
            ...project.env,
            PULUMI_STACK: "dev",
            TORQ_CLIENT_ID: workspace.ownerKey.client_id,
            TORQ_CLIENT_SECRET: workspace.ownerKey.client_secret,
            TORQ_SSO: `${process.execPath} ${path.join(REPO_ROOT, "dist", "cli", "index.js")}`,
            GITHUB_OUTPUT: outputFile,
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
          const output = stdout + stderr;
          expect(output, `${name} never prints the API key's secret`).to.not.include(workspace.ownerKey.client_secret);
          resolve({ code: code ?? -1, stdout, stderr, output });
        });
      });
    }

    const reviewMarkdown = (): string => readFileSync(path.join(project.dir, "review.md"), "utf8");

    useScene({ project: { example: "quickstart" } }, (scene) => ({ workspace, client, project } = scene));
    before(async () => {
      // As in CI: the key comes from the environment, not from the stack's config.
      await project.ok(["config", "rm", "torq:clientSecret"]);
      await project.ok(["config", "rm", "torq:clientId"]);
      for (const script of Object.values(SCRIPTS)) copyFileSync(path.join(CI_DIR, script), path.join(project.dir, script));
      outputFile = path.join(project.dir, "github-output");
    });

    it("preview.sh on a pull request: writes the review of the first apply, and succeeds", async () => {
      writeFileSync(outputFile, "");
      const result = await runScript(SCRIPTS.preview);
      expect(result.code, result.output).to.equal(0);
      expect(reviewMarkdown()).to.include("ClaimMappings `sso-rules`");
      expect(reviewMarkdown()).to.include("| 1 | email | owner@example.com | Owner | **added** |");
      expect(readFileSync(outputFile, "utf8")).to.equal("review-exit=2\n");
      expect(await liveRules(client), "a preview writes nothing").to.deep.equal([]);
    });

    it("up.sh on merge applies the stack, and drift.sh then finds nothing", async () => {
      const up = await runScript(SCRIPTS.up);
      expect(up.code, up.output).to.equal(0);
      expect((await liveRules(client)).map((r) => r.claimValue)).to.deep.equal(["owner@example.com", "platform-admins", "engineering", "everyone"]);
      const drift = await runScript(SCRIPTS.drift);
      expect(drift.code, drift.output).to.equal(0);
    });

    it("drift.sh fails when a rule is changed in the workspace behind the stack's back, and says what", async () => {
      const live = await liveRules(client);
      await client.updateClaimMapping(live[3]!.id, { rank: 2 });
      const drift = await runScript(SCRIPTS.drift);
      expect(drift.code).to.not.equal(0);
      expect(drift.output).to.include("drift");
      expect(drift.output).to.include("groups = everyone");
      expect((await runScript(SCRIPTS.up)).code).to.equal(0);
      expect((await runScript(SCRIPTS.drift)).code).to.equal(0);
    });

    it("preview.sh fails a pull request the lockout guard refuses, and the review says why", async () => {
      await client.putSsoProvider(TEST_OIDC_PROVIDER);
      const program = path.join(project.dir, "index.ts");
      const source = readFileSync(program, "utf8");
      writeFileSync(program, source.replace('{ claimName: "email", claimValue: owner, role: "Owner" },', ""));
      writeFileSync(outputFile, "");
      const result = await runScript(SCRIPTS.preview);
      expect(result.code).to.not.equal(0);
      expect(reviewMarkdown()).to.include("refused");
      expect(reviewMarkdown()).to.include("lockout");
      expect(readFileSync(outputFile, "utf8")).to.equal("review-exit=1\n");
      writeFileSync(program, source);
    });
  });
});
