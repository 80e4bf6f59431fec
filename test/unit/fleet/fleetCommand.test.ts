/**
 * `torq-sso fleet …` as a user calls it, for everything that needs no Pulumi run: every subcommand's
 * --help, bad input (one line per problem, exit 1: 2 means "changes" here), the matrix, and merging
 * reports. The runs themselves are in test/e2e/fleet.test.ts.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { FleetReport, WorkspaceReport } from "../../../fleet/report";
import { runCli, type CliResult } from "../../support/cli";

function torqSso(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(args, { env: { PATH: process.env["PATH"], ...env } });
}

const FLEET = `baseline:
  claimMappings:
    mappings: [{ claimName: email, claimValue: owner@x.test, role: Owner }]
workspaces:
  - { name: staging, apiUrl: "http://127.0.0.1:9", credentials: { clientId: STAGING_ID, clientSecret: STAGING_SECRET } }
  - { name: prod, apiUrl: "http://127.0.0.1:9", credentials: { clientId: PROD_ID, clientSecret: PROD_SECRET } }
waves:
  - { name: canary, workspaces: [staging] }
  - { name: rest, workspaces: [prod] }
`;

describe("torq-sso fleet (the command)", function () {
  this.timeout(30_000);
  let dir: string;
  let fleetFile: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "torq-fleet-cli-"));
    fleetFile = path.join(dir, "fleet.yaml");
    writeFileSync(fleetFile, FLEET);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const verb of ["preview", "up", "drift", "matrix", "merge-reports"]) {
    it(`fleet ${verb} --help prints its usage and options, exit 0`, async () => {
      const result = await torqSso(["fleet", verb, "--help"]);
      expect(result.code).to.equal(0);
      expect(result.stdout.split("\n")[0]).to.match(new RegExp(`^usage: torq-sso fleet ${verb} `));
      expect(result.stderr).to.equal("");
    });
  }

  it("fleet --help lists the five subcommands", async () => {
    const result = await torqSso(["fleet", "--help"]);
    expect(result.code).to.equal(0);
    expect(result.stdout.match(/^ {2}torq-sso fleet \S+/gm)).to.deep.equal([
      "  torq-sso fleet preview",
      "  torq-sso fleet up",
      "  torq-sso fleet drift",
      "  torq-sso fleet matrix",
      "  torq-sso fleet merge-reports",
    ]);
  });

  it("prints every problem of a bad fleet file on its own line, exit 1", async () => {
    const bad = path.join(dir, "bad.yaml");
    writeFileSync(bad, FLEET.replace("clientSecret: PROD_SECRET", "clientSecret: prod-secret-value").replace("apiUrl: \"http://127.0.0.1:9\"", "apiUrl: ftp://x"));
    const result = await torqSso(["fleet", "preview", bad]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal("");
    expect(result.stderr.trimEnd().split("\n")).to.deep.equal([
      `torq-sso: ${bad}:5: workspaces[0].apiUrl: must be an https URL, not ftp`,
      `torq-sso: ${bad}:6: workspaces[1].credentials.clientSecret: must be the NAME of an environment variable (upper-case letters, digits and _), never the value itself`,
    ]);
    expect(result.stderr).to.not.include("prod-secret-value");
  });

  it("names every unset credential variable before running anything, exit 1", async () => {
    const result = await torqSso(["fleet", "up", fleetFile], { STAGING_ID: "id" });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.equal("torq-sso: staging: STAGING_SECRET is not set (the workspace's credentials); prod: PROD_ID and PROD_SECRET are not set (the workspace's credentials)\n");
  });

  it("refuses an --only that names no workspace, and bad options, exit 1", async () => {
    expect(await torqSso(["fleet", "preview", fleetFile, "--only", "staging,qa"])).to.deep.equal({ code: 1, stdout: "", stderr: `torq-sso: --only names no workspace of ${fleetFile}: qa\n` });
    expect((await torqSso(["fleet", "drift", fleetFile, "--concurrency", "0"])).stderr).to.equal("torq-sso: --concurrency must be an integer from 1 to 256\n");
    expect((await torqSso(["fleet", "up"])).stderr).to.equal("torq-sso: fleet up needs the fleet file (see torq-sso fleet up --help)\n");
    expect((await torqSso(["fleet", "up", fleetFile, "--yes"])).stderr).to.equal("torq-sso: unknown option --yes (see torq-sso fleet up --help)\n");
  });

  it("fleet matrix prints one JSON line: an entry per workspace, or shards", async () => {
    const perWorkspace = await torqSso(["fleet", "matrix", fleetFile]);
    expect(perWorkspace.code).to.equal(0);
    expect(perWorkspace.stdout.trimEnd().split("\n")).to.have.length(1);
    expect((JSON.parse(perWorkspace.stdout) as { include: { name: string }[] }).include.map((e) => e.name)).to.deep.equal(["staging", "prod"]);
    const sharded = JSON.parse((await torqSso(["fleet", "matrix", fleetFile, "--shards", "1"])).stdout) as { include: { workspaces: string }[] };
    expect(sharded.include).to.deep.equal([{ name: "shard-1", workspaces: "staging,prod", wave: "canary,rest", variables: "STAGING_ID,STAGING_SECRET,PROD_ID,PROD_SECRET" }]);
  });

  it("fleet merge-reports joins reports, and says which file is not one", async () => {
    const base = { version: 1, operation: "preview", interrupted: false, stoppedBefore: null } as const;
    const entry = (name: string, order: number, status: "changes" | "no-changes"): WorkspaceReport => ({
      name,
      stack: name,
      order,
      wave: { index: order, name: order === 0 ? "canary" : "rest" },
      status,
      reason: null,
      changes: null,
      steps: null,
      review: { version: 1 as const, changes: status === "changes", refused: false, resources: [], warnings: [], errors: [] },
      seconds: 2,
    });
    const a: FleetReport = { ...base, workspaces: [entry("prod", 1, "changes")] };
    const b: FleetReport = { ...base, workspaces: [entry("staging", 0, "no-changes")] };
    writeFileSync(path.join(dir, "a.json"), JSON.stringify(a));
    writeFileSync(path.join(dir, "b.json"), JSON.stringify(b));
    const merged = await torqSso(["fleet", "merge-reports", "--json", path.join(dir, "a.json"), path.join(dir, "b.json")]);
    expect(merged.code, "changes: 2").to.equal(2);
    expect((JSON.parse(merged.stdout) as FleetReport).workspaces.map((w) => w.name)).to.deep.equal(["staging", "prod"]);
    const markdown = await torqSso(["fleet", "merge-reports", path.join(dir, "a.json"), path.join(dir, "b.json")]);
    expect(markdown.stdout.split("\n")[0]).to.equal("### pulumi-torq-sso fleet preview: 2 workspace(s) — 1 no changes, 1 changes");

    writeFileSync(path.join(dir, "not-report.json"), JSON.stringify({ steps: [] }));
    const bad = await torqSso(["fleet", "merge-reports", path.join(dir, "a.json"), path.join(dir, "not-report.json")]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/^torq-sso: .*not-report\.json is not a fleet report \(torq-sso fleet … --json\): version /);
  });
});
