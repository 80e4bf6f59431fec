/**
 * The fleet file: what a valid one resolves to (each workspace's whole rule list, its stack config,
 * its wave), and for an invalid one every problem at once, each with its line and field — never the
 * value, which may be a secret pasted where a variable's name belongs.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FleetFileError } from "../../../fleet/errors";
import { loadFleetFile, parseFleetFile } from "../../../fleet/loadFleetFile";

const VALID = `project: acme
backend: file://./state
concurrency: 3
baseline:
  claimMappings:
    mappings:
      - { claimName: email, claimValue: owner@acme.test, role: Owner }
      - { claimName: groups, claimValue: engineering, role: Operator }
    breakGlassOwners: [owner@acme.test]
    expectations:
      - { claims: { email: dev@acme.test, groups: [engineering] }, role: Operator }
workspaces:
  - name: eu-prod
    region: eu
    credentials: { clientId: EU_ID, clientSecret: EU_SECRET }
    rules:
      - { claimName: groups, claimValue: eu-sre, role: Contributor }
    breakGlassOwners: [{ email: cto@acme.test, groups: [exec] }]
    config: { ownerEmail: owner@acme.test, retries: 3, teams: [a, b] }
  - name: staging
    stack: acme/acme/staging-stack
    apiUrl: http://127.0.0.1:8101
    credentials: { clientId: STAGING_ID, clientSecret: STAGING_SECRET }
    overwriteExisting: true
waves:
  - { name: canary, workspaces: [staging] }
  - { name: production, workspaces: [eu-prod] }
`;

/** The problems of an invalid file, as the command prints them (one line each). */
function problems(text: string): string[] {
  try {
    parseFleetFile("fleet.yaml", text);
  } catch (err) {
    if (err instanceof FleetFileError) return err.message.split("\n");
    throw err;
  }
  throw new Error("the file was accepted");
}

describe("fleet file", () => {
  it("gives each workspace the baseline's rules, then its own, in wave order", () => {
    const fleet = parseFleetFile("/srv/infra/fleet.yaml", VALID);
    expect(fleet.project).to.equal("acme");
    expect(fleet.backend, "a relative file:// backend is relative to the fleet file").to.equal("file:///srv/infra/state");
    expect(fleet.concurrency).to.equal(3);
    expect(fleet.waves).to.deep.equal([
      { name: "canary", workspaces: ["staging"] },
      { name: "production", workspaces: ["eu-prod"] },
    ]);
    expect(fleet.workspaces.map((w) => [w.name, w.stack, w.wave])).to.deep.equal([
      ["staging", "acme/acme/staging-stack", 0],
      ["eu-prod", "eu-prod", 1],
    ]);
    const [staging, eu] = fleet.workspaces;
    expect(eu!.rules).to.deep.equal({
      resourceName: "sso-rules",
      mappings: [
        { claimName: "email", claimValue: "owner@acme.test", role: "Owner" },
        { claimName: "groups", claimValue: "engineering", role: "Operator" },
        { claimName: "groups", claimValue: "eu-sre", role: "Contributor" },
      ],
      breakGlassOwners: ["owner@acme.test", { email: "cto@acme.test", groups: ["exec"] }],
      expectations: [{ claims: { email: "dev@acme.test", groups: ["engineering"] }, role: "Operator" }],
      overwriteExisting: false,
    });
    expect(staging!.rules?.mappings).to.have.length(2);
    expect(staging!.rules?.overwriteExisting).to.equal(true);
    expect(eu!.config, "plain keys go to the project's namespace; anything but a string as JSON").to.deep.equal({
      "acme:ownerEmail": "owner@acme.test",
      "acme:retries": "3",
      "acme:teams": '["a","b"]',
    });
    expect([eu!.region, eu!.apiUrl, staging!.apiUrl]).to.deep.equal(["eu", undefined, "http://127.0.0.1:8101"]);
    expect(eu!.credentials).to.deep.equal({ clientId: "EU_ID", clientSecret: "EU_SECRET" });
  });

  it("without waves, puts every workspace in one wave, in the file's order", () => {
    const fleet = parseFleetFile("fleet.yaml", VALID.slice(0, VALID.indexOf("waves:")));
    expect(fleet.waves).to.deep.equal([{ name: "all", workspaces: ["eu-prod", "staging"] }]);
    expect(fleet.workspaces.map((w) => w.wave)).to.deep.equal([0, 0]);
    expect(fleet.backend).to.match(/^file:\/\/\/.+\/state$/);
  });

  it("reads the same fleet written as JSON", () => {
    const json = JSON.stringify({
      baseline: { claimMappings: { mappings: [{ claimName: "email", claimValue: "o@x.test", role: "Owner" }] } },
      workspaces: [{ name: "w1", credentials: { clientId: "W1_ID", clientSecret: "W1_SECRET" } }],
    });
    const fleet = parseFleetFile("fleet.json", json);
    expect(fleet.project).to.equal("torq-sso-fleet");
    expect(fleet.workspaces[0]!.rules?.mappings).to.deep.equal([{ claimName: "email", claimValue: "o@x.test", role: "Owner" }]);
  });

  it("names the line and field of every problem at once", () => {
    const text = `baseline:
  claimMappings:
    mappings:
      - { claimName: email, claimValue: owner@acme.test, role: Owner }
      - { claimname: groups, claimValue: sre, role: Operator }
workspaces:
  - name: prod
    apiUrl: http://api.acme.test
    credentials:
      clientId: PROD_ID
    colour: blue
  - name: "bad name"
    region: mars
    credentials: { clientId: B_ID, clientSecret: B_SECRET }
`;
    expect(problems(text)).to.deep.equal([
      "fleet.yaml:5: baseline.claimMappings.mappings[1].claimName: is required",
      "fleet.yaml:5: baseline.claimMappings.mappings[1].claimname: is not a field here (check its spelling)",
      "fleet.yaml:8: workspaces[0].apiUrl: must be an https URL (http is allowed only for loopback hosts)",
      "fleet.yaml:9: workspaces[0].credentials.clientSecret: is required",
      "fleet.yaml:11: workspaces[0].colour: is not a field here (check its spelling)",
      "fleet.yaml:12: workspaces[1].name: must be 1-100 letters, digits, '-', '_' or '.', starting with a letter or digit (it names the stack)",
      'fleet.yaml:13: workspaces[1].region: must be "us" or "eu"',
    ]);
  });

  it("checks the fleet as a whole: names, stacks, waves, and what a program baseline cannot take", () => {
    const text = `baseline:
  claimMappings:
    mappings: [{ claimName: email, claimValue: o@x.test, role: Owner }]
workspaces:
  - name: a
    region: us
    apiUrl: https://api.torq.io
    credentials: { clientId: A_ID, clientSecret: A_SECRET }
  - name: a
    credentials: { clientId: A2_ID, clientSecret: A2_SECRET }
    config: { "torq:clientSecret": x }
  - name: c
    stack: a
    credentials: { clientId: C_ID, clientSecret: C_SECRET }
  - name: d
    credentials: { clientId: D_ID, clientSecret: D_SECRET }
waves:
  - { name: first, workspaces: [a, c, zed] }
  - { name: second, workspaces: [c] }
`;
    expect(problems(text)).to.deep.equal([
      "fleet.yaml:6: workspaces[0].region: give region or apiUrl, not both",
      "fleet.yaml:9: workspaces[1].name: repeats the name of workspaces[0]",
      "fleet.yaml:9: workspaces[1].name: uses the stack of workspaces[0] (a)",
      "fleet.yaml:11: workspaces[1].config.torq:clientSecret: is set from the workspace's region, apiUrl, authUrl and credentials",
      "fleet.yaml:13: workspaces[2].stack: uses the stack of workspaces[1] (a)",
      "fleet.yaml:15: workspaces[3].name: d is in no wave: list it in one of waves[].workspaces",
      'fleet.yaml:18: waves[0].workspaces[2]: names no workspace of the fleet ("zed")',
      "fleet.yaml:19: waves[1].workspaces[0]: c is already in waves[0]",
    ]);
  });

  it("never echoes what was written where a variable's name belongs", () => {
    const pasted = "s3cr3t-Value_that-was-pasted";
    const lines = problems(`baseline: { claimMappings: { mappings: [{ claimName: email, claimValue: o@x.test, role: Owner }] } }
workspaces:
  - name: w
    credentials: { clientId: W_ID, clientSecret: ${pasted} }
`);
    expect(lines).to.deep.equal([
      "fleet.yaml:4: workspaces[0].credentials.clientSecret: must be the NAME of an environment variable (upper-case letters, digits and _), never the value itself",
    ]);
    expect(lines.join("\n")).to.not.include(pasted);
  });

  it("says where YAML itself is broken, and that a baseline needs exactly one form", () => {
    expect(problems("workspaces:\n  - name: a\n   bad: indent\n")[0]).to.match(/^fleet\.yaml:3: not valid YAML or JSON: /);
    expect(problems("workspaces:\n  - { name: a, name: b }\n")[0]).to.match(/^fleet\.yaml:2: not valid YAML or JSON: .*[Uu]nique/);
    expect(problems("baseline: {}\nworkspaces: [{ name: a, credentials: { clientId: A, clientSecret: B } }]\n")).to.deep.equal([
      "fleet.yaml:1: baseline: must have exactly one of claimMappings (rules declared here) or program (a Pulumi project folder)",
    ]);
    expect(problems("baseline: { program: x }\n")).to.deep.equal(["fleet.yaml:1: workspaces: is required"]);
  });

  describe("with a program as the baseline", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), "torq-fleet-file-"));
      mkdirSync(path.join(dir, "sso"));
      writeFileSync(path.join(dir, "sso", "Pulumi.yaml"), "name: acme-sso\nruntime: nodejs\n");
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const write = (text: string): string => {
      const file = path.join(dir, "fleet.yaml");
      writeFileSync(file, text);
      return file;
    };

    it("runs the folder's program, under its project, with config its program reads", () => {
      const fleet = loadFleetFile(write("baseline: { program: ./sso }\nworkspaces:\n  - { name: w, credentials: { clientId: W_ID, clientSecret: W_SECRET }, config: { ownerEmail: a@x.test } }\n"));
      expect(fleet.programDir).to.equal(path.join(dir, "sso"));
      expect(fleet.project).to.equal("acme-sso");
      expect(fleet.workspaces[0]!.config).to.deep.equal({ "acme-sso:ownerEmail": "a@x.test" });
      expect(fleet.workspaces[0]!.rules).to.equal(undefined);
    });

    it("refuses rule additions, which only a baseline declared in the file can take, and a folder that is no project", () => {
      const file = write("baseline: { program: ./sso }\nworkspaces:\n  - name: w\n    credentials: { clientId: W_ID, clientSecret: W_SECRET }\n    rules: []\n");
      expect(() => loadFleetFile(file)).to.throw(
        FleetFileError,
        `${file}:5: workspaces[0].rules: needs a baseline declared in the fleet file (baseline.claimMappings); with baseline.program, pass it in config and read it in the program`,
      );
      const noProject = write("baseline:\n  program: ./nowhere\nworkspaces: [{ name: w, credentials: { clientId: W_ID, clientSecret: W_SECRET } }]\n");
      expect(() => loadFleetFile(noProject)).to.throw(FleetFileError, `${noProject}:2: baseline.program: ${path.join(dir, "nowhere")} is not a folder`);
      expect(() => loadFleetFile(path.join(dir, "missing.yaml"))).to.throw(FleetFileError, `${path.join(dir, "missing.yaml")}: cannot read it: no such file`);
    });
  });
});
