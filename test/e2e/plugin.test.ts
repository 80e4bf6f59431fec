/**
 * What the resource provider plugin gives that the dynamic provider cannot, through the real engine:
 * per-rule detailed diffs in `pulumi preview --json`, messages on the resource's URN at their
 * severity, `pulumi import` printing program code, a Pulumi YAML program, the plugin tarball
 * installed with `pulumi plugin install`, and a stack moved from the dynamic provider to the plugin
 * without a window in which the workspace's rules are deleted.
 */
import { expect } from "chai";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { TorqClient } from "../../provider/client/client";
import { packPlugin } from "../../scripts/pluginPackage";
import { REPO_ROOT } from "../support/repo";
import { SAML_FIXTURES } from "../unit/saml/paths";
import { PLUGIN_PROVIDERS_YAML, type PulumiProject } from "./harness";
import { useScene } from "./scene";
import type { Workspace } from "../../emulator";
import { DYNAMIC, PLUGIN, programFor } from "./providerModes";
import { asText, clientFor, liveRules, liveRulesText, requestLog, testHook } from "./workspaceTools";

const OWNER = "owner@example.com";
const rule = (claimName: string, claimValue: string, role: string) => ({ claimName, claimValue, role });
const BASE = [rule("email", OWNER, "Owner"), rule("groups", "sre", "Operator"), rule("groups", "everyone", "Viewer")];
const CERTIFICATE = readFileSync(path.join(SAML_FIXTURES, "rotation-a.pem"), "utf8");

interface PreviewJson {
  steps: { op: string; urn: string; detailedDiff?: Record<string, { kind: string; inputDiff: boolean }> }[];
  diagnostics?: { urn?: string; severity: string; message: string }[];
}

async function previewJson(project: PulumiProject): Promise<PreviewJson> {
  const result = await project.run(["preview", "--json"]);
  return JSON.parse(result.stdout) as PreviewJson;
}

function stepOf(preview: PreviewJson, type: string): PreviewJson["steps"][number] {
  const step = preview.steps.find((s) => s.urn.includes(`::${type}::`));
  if (!step) throw new Error(`no step for ${type} in ${JSON.stringify(preview.steps.map((s) => s.urn))}`);
  return step;
}

/** A program on the generated TypeScript SDK itself. */
function generatedSdkProgram(rules: readonly { claimName: string; claimValue: string; role: string }[]): string {
  return `import * as torq from "@pulumi-torq-sso/torq";
new torq.ClaimMappings("rules", { mappings: ${JSON.stringify(rules)} }, { protect: false });
`;
}

const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/** The API writes since the last reset (the token call is not a change to the workspace). */
async function writes(ws: Workspace): Promise<string[]> {
  return (await requestLog(ws)).filter((r) => WRITES.has(r.method) && r.path !== "/v1/auth/token").map((r) => `${r.method} ${r.path}`);
}

describe("pulumi-resource-torq through the real Pulumi engine", function () {
  this.timeout(600_000);

  describe("a TypeScript program on the generated SDK", () => {
    let project: PulumiProject;
    let client: TorqClient;

    useScene({ project: { program: generatedSdkProgram(BASE), mode: PLUGIN } }, (scene) => ({ client, project } = scene));
    before(() => project.ok(["up", "--yes", "--skip-preview"]));

    it("previews an edit as the one changed field of the one rule", async () => {
      project.writeProgram(generatedSdkProgram([BASE[0]!, rule("groups", "sre", "Viewer"), BASE[2]!]));
      const step = stepOf(await previewJson(project), "torq:index:ClaimMappings");
      expect(step.op).to.equal("update");
      expect(step.detailedDiff).to.deep.equal({ "mappings[1].role": { kind: "update", inputDiff: true } });
      const text = await project.run(["preview"]);
      expect(text.output).to.match(/~ 2\. groups = sre: role Operator → Viewer/);
    });

    it("previews a reorder as the rule it moves", async () => {
      project.writeProgram(generatedSdkProgram([BASE[0]!, BASE[2]!, BASE[1]!]));
      const step = stepOf(await previewJson(project), "torq:index:ClaimMappings");
      const entries = Object.entries(step.detailedDiff ?? {});
      expect(entries).to.have.length(1);
      expect(entries[0]![0]).to.match(/^mappings\[[12]\]$/);
      expect(entries[0]![1]).to.deep.equal({ kind: "update", inputDiff: true });
    });

    it("marks a rule edited in the workspace as drift: the field, with inputDiff false", async () => {
      project.writeProgram(generatedSdkProgram(BASE));
      const everyone = (await client.listClaimMappings()).items[2]!;
      await client.updateClaimMapping(everyone.id, { claim_value: "all-staff" });
      const preview = await previewJson(project);
      expect(stepOf(preview, "torq:index:ClaimMappings").detailedDiff).to.deep.equal({ "mappings[2].claimValue": { kind: "update", inputDiff: false } });
      expect(preview.diagnostics?.some((d) => d.message.includes("drift: the workspace's rules changed outside Pulumi"))).to.equal(true);
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect(await liveRulesText(client)).to.deep.equal(asText(BASE));
      await project.ok(["preview", "--expect-no-changes"]);
    });

    it("logs the plan and its warnings against the resource's URN, warnings with warning severity", async () => {
      project.writeProgram(generatedSdkProgram([rule("email", "Owner@Example.com", "Owner"), ...BASE]));
      const preview = await previewJson(project);
      const urn = stepOf(preview, "torq:index:ClaimMappings").urn;
      const warning = preview.diagnostics?.find((d) => d.message.includes("has upper-case letters"));
      expect(warning).to.include({ urn, severity: "warning" });
      expect(warning?.message).to.match(/ClaimMappings mappings\[0\]\.claimValue: "Owner@Example\.com" has upper-case letters/);
      const plan = preview.diagnostics?.find((d) => d.message.startsWith("ClaimMappings plan:"));
      expect(plan).to.include({ urn, severity: "info" });
    });
  });

  describe("a Pulumi YAML program", () => {
    let workspace: Workspace;
    let project: PulumiProject;
    let client: TorqClient;

    const yaml = (ssoOnly: boolean) => `variables:
  endpoints:
    fn::invoke:
      function: torq:index:getSsoEndpoints
      arguments: {}
  role:
    fn::invoke:
      function: torq:index:evaluateClaims
      arguments:
        mappings: \${rules.mappings}
        claims:
          email: dev@example.com
          groups: [sre]
resources:
  rules:
    type: torq:ClaimMappings
    properties:
      mappings:
${BASE.map((r) => `        - { claimName: ${r.claimName}, claimValue: "${r.claimValue}", role: ${r.role} }`).join("\n")}
      breakGlassOwners: ["${OWNER}"]
  idp:
    type: torq:SsoProvider
    properties:
      protocol: oidc
      issuerUrl: https://idp.example.com
      clientId: torq
      clientSecret:
        fn::secret: yaml-client-secret
    options:
      dependsOn:
        - \${rules}
  ssoOnly:
    type: torq:SsoEnforcement
    properties:
      ssoOnly: ${ssoOnly}
      ssoProviderEnabled: \${idp.enabled}
    options:
      dependsOn:
        - \${idp}
        - \${rules}
outputs:
  redirectUri: \${endpoints.loginRedirectUrl}
  devRole: \${role.role}
  loginRedirectUrl: \${idp.loginRedirectUrl}
`;

    useScene(() => ({ project: { yaml: yaml(false), name: "torq-sso-yaml" } }), (scene) => ({ workspace, client, project } = scene));

    it("goes up through the plugin, calling its functions, and a second preview has nothing to change", async () => {
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect(await liveRulesText(client)).to.deep.equal(asText(BASE));
      expect((await client.getSsoProvider())?.client_secret_set).to.equal(true);
      const outputs = JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
      expect(outputs).to.include({ redirectUri: `${workspace.url}/__/auth/handler`, loginRedirectUrl: `${workspace.url}/__/auth/handler`, devRole: "Operator" });
      await project.ok(["preview", "--expect-no-changes"]);
      // The client secret is a secret in state too, never written in clear.
      const state = (await project.ok(["stack", "export"])).stdout;
      expect(state).to.not.include("yaml-client-secret");
    });

    it("enforces SSO-only login, and destroy undoes it in order", async () => {
      project.writeProgram(yaml(true));
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect((await client.getSsoSettings()).sso_only).to.equal(true);
      await project.ok(["destroy", "--yes", "--skip-preview"]);
      expect((await client.getSsoSettings()).sso_only).to.equal(false);
      expect(await client.getSsoProvider()).to.equal(undefined);
      expect(await liveRulesText(client)).to.deep.equal([]);
    });
  });

  describe("pulumi import", () => {
    let workspace: Workspace;
    let project: PulumiProject;
    let client: TorqClient;

    useScene({ project: { yaml: "", name: "torq-sso-import" } }, (scene) => ({ workspace, client, project } = scene));
    before(async () => {
      // A workspace set up by hand in the Torq UI.
      const roles = new Map((await client.listRoles()).map((r) => [r.name, r.id]));
      for (const r of BASE) await client.createClaimMapping({ claim_name: r.claimName, claim_value: r.claimValue, role_id: roles.get(r.role)! });
      await client.putSsoProvider({ protocol: "saml", identity_provider: "okta", sign_on_url: "https://idp.example.com/sso", issuer: "urn:idp:example", certificate: CERTIFICATE });
    });

    /** The program code `pulumi import` prints: from its `resources:` line on. */
    function printedCode(output: string): string {
      const lines = output.split("\n");
      const start = lines.findIndex((line) => line === "resources:");
      expect(start, output).to.be.greaterThan(-1);
      return lines.slice(start).join("\n").trimEnd() + "\n";
    }

    it("adopts the live rules, provider and setting without writing to the workspace, prints their code, and the next preview is empty", async () => {
      const before = await liveRules(client);
      await testHook(workspace, "POST", "reset");
      const rules = await project.ok(["import", "torq:index:ClaimMappings", "rules", "claim-mappings", "--yes"]);
      const rulesCode = printedCode(rules.output);
      expect(rulesCode).to.include("type: torq:ClaimMappings");
      expect(rulesCode).to.include(`claimValue: ${OWNER}`);
      const idp = await project.ok(["import", "torq:index:SsoProvider", "idp", "sso-provider", "--yes"]);
      const idpCode = printedCode(idp.output);
      expect(idpCode).to.include("type: torq:SsoProvider");
      expect(idpCode).to.include("issuer: urn:idp:example");
      const enforcement = await project.ok(["import", "torq:index:SsoEnforcement", "sso-only", "sso-enforcement", "--yes"]);
      const enforcementCode = printedCode(enforcement.output);
      expect(enforcementCode).to.include("ssoOnly: false");
      expect(await writes(workspace)).to.deep.equal([]);

      // The printed programs, as one.
      project.writeProgram([rulesCode, idpCode, enforcementCode].map((code, i) => (i ? code.replace(/^resources:\n/, "") : code)).join(""));
      await project.ok(["preview", "--expect-no-changes"]);
      await project.ok(["up", "--yes", "--expect-no-changes"]);
      expect(await liveRules(client)).to.deep.equal(before);
      expect(await writes(workspace)).to.deep.equal([]);
    });
  });

  describe("the plugin tarball (make plugin)", () => {
    let workspace: Workspace;
    let project: PulumiProject;
    let out: string;

    useScene(
      { project: { program: `import * as torq from "pulumi-torq-sso";\nnew torq.ClaimMappings("rules", { mappings: ${JSON.stringify(BASE)} });\n`, mode: PLUGIN } },
      (scene) => ({ workspace, project } = scene),
    );
    before(() => {
      out = mkdtempSync(path.join(tmpdir(), "torq-sso-plugin-"));
      // Only the installed plugin: no path to this checkout's.
      const manifest = path.join(project.dir, "Pulumi.yaml");
      writeFileSync(manifest, readFileSync(manifest, "utf8").replace(PLUGIN_PROVIDERS_YAML, ""));
    });
    after(() => rmSync(out, { recursive: true, force: true }));

    it("installs with pulumi plugin install and serves a program on its own", async () => {
      const tarball = packPlugin(out);
      const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
      expect(path.basename(tarball)).to.equal(`pulumi-resource-torq-v${version}-linux-amd64.tar.gz`);
      await project.ok(["plugin", "install", "resource", "torq", version, "--file", tarball]);
      const up = await project.ok(["up", "--yes"]);
      expect(up.output).to.include(`+ 1. email = ${OWNER} → Owner`);
      expect(await liveRulesText(clientFor(workspace))).to.deep.equal(asText(BASE));
      const installed = JSON.parse((await project.ok(["plugin", "ls", "--json"])).stdout) as { name: string; kind: string; version: string }[];
      expect(installed.map((p) => `${p.kind} ${p.name} ${p.version}`)).to.include(`resource torq ${version}`);
    });
  });

  describe("moving a stack from the dynamic provider to the plugin", () => {
    let workspace: Workspace;
    let project: PulumiProject;
    let client: TorqClient;

    const PROGRAM = `import * as torq from "pulumi-torq-sso";
const rules = new torq.ClaimMappings("rules", { mappings: ${JSON.stringify(BASE)}, breakGlassOwners: ["${OWNER}"] });
new torq.SsoProvider("idp", { protocol: "saml", signOnUrl: "https://idp.example.com/sso", issuer: "urn:idp:example", certificate: ${JSON.stringify(CERTIFICATE)} }, { dependsOn: [rules] });
`;

    useScene({ project: { program: PROGRAM } }, (scene) => ({ workspace, client, project } = scene));
    before(() => project.ok(["up", "--yes", "--skip-preview"]));

    it("forgets the dynamic resources (pulumi state delete), then the plugin's creates adopt the live rules and provider: nothing is deleted", async () => {
      const before = await liveRules(client);
      await testHook(workspace, "POST", "reset");
      const state = JSON.parse((await project.ok(["stack", "export"])).stdout) as { deployment: { resources: { urn: string; type: string }[] } };
      const dynamic = state.deployment.resources.filter((r) => r.type === DYNAMIC.resourceType("ClaimMappings") || r.type === DYNAMIC.resourceType("SsoProvider")).map((r) => r.urn);
      expect(dynamic).to.have.length(2);
      // Dependents first: the provider depends on the rules.
      for (const urn of dynamic.reverse()) await project.ok(["state", "delete", urn, "--force", "--yes"]);

      // The one-line change to the program, and the plugin for the `torq` package.
      writeFileSync(path.join(project.dir, "index.ts"), programFor(PLUGIN, PROGRAM));
      appendFileSync(path.join(project.dir, "Pulumi.yaml"), PLUGIN_PROVIDERS_YAML);
      const preview = await project.ok(["preview"]);
      expect(preview.output).to.match(/\+ 2 to create/);
      expect(preview.output).to.not.match(/to delete/);
      await project.ok(["up", "--yes", "--skip-preview"]);

      // No rule was deleted or re-created at any point: the same rules, with the same ids.
      expect(await liveRules(client)).to.deep.equal(before);
      expect((await writes(workspace)).filter((w) => w.includes("claim_mappings") || w.startsWith("DELETE"))).to.deep.equal([]);
      await project.ok(["preview", "--expect-no-changes"]);
    });
  });
});
