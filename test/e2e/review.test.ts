/**
 * Reviewable previews, read the way a reviewer and a CI job read them: `pulumi preview --json` and
 * `torq-sso review --json` on the same preview, for the changes where SSO risk lives — taking over a
 * workspace's rules, a reorder, an insert, a role change, drift that grants Owner, removing the
 * resource from the program — and the promise that the report and what `up` then sends agree call for
 * call.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { TorqClient } from "../../provider/client/client";
import type { ClaimRule } from "../../provider/schemas/claimMappings";
import type { Review } from "../../cli/review/buildReview";
import type { ClaimMappingsPlanReport } from "../../provider/resources/claimMappingsPlan";
import type { SsoProviderPlanReport } from "../../provider/resources/ssoProviderPlan";
import { parseCertificate } from "../../provider/saml";
import { SAML_FIXTURES } from "../unit/saml/paths";
import { REPO_ROOT } from "../support/repo";
import { createProject, startWorkspace, type PulumiProject } from "./harness";
import { useScene } from "./scene";
import type { Workspace } from "../../emulator";
import { asText, clientFor, liveRules, liveRulesText, requestLog, testHook } from "./workspaceTools";

const OWNER: ClaimRule = { claimName: "email", claimValue: "owner@example.com", role: "Owner" };
const group = (name: string, role = "Viewer"): ClaimRule => ({ claimName: "groups", claimValue: name, role });

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as torq from "pulumi-torq-sso";
const config = new pulumi.Config();
new torq.ClaimMappings("rules", {
  mappings: config.requireObject("rules"),
  breakGlassOwners: ["owner@example.com"],
  overwriteExisting: config.getBoolean("overwriteExisting"),
});
`;

interface PreviewJson {
  steps?: { op: string; urn: string }[];
  diagnostics?: { urn?: string; severity: string; message: string }[];
}

/** Runs `torq-sso review --json` on a preview, as CI does: the preview on stdin, the API key secret in the environment. */
function review(previewJson: string, workspace: Workspace): Promise<{ code: number; review: Review | undefined; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "cli", "index.js"), "review", "--json"], {
      env: { ...process.env, TORQ_CLIENT_SECRET: workspace.ownerKey.client_secret },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, review: stdout ? (JSON.parse(stdout) as Review) : undefined, stderr }));
    child.stdin.end(previewJson);
  });
}

function claimMappingsPlan(result: Review | undefined): ClaimMappingsPlanReport {
  const plan = result?.resources.find((r) => r.kind === "ClaimMappings")?.plan;
  if (!plan || plan.resource !== "ClaimMappings" || plan.operation === "delete") throw new Error(`no ClaimMappings plan in ${JSON.stringify(result)}`);
  return plan;
}

describe("reviewable previews: pulumi preview --json and torq-sso review --json", function () {
  this.timeout(900_000);
  let workspace: Workspace;
  let client: TorqClient;
  let project: PulumiProject;

  async function declare(rules: readonly ClaimRule[]): Promise<void> {
    await project.ok(["config", "set", "--", "rules", JSON.stringify(rules)]);
  }

  async function previewAndReview(): Promise<{ previewCode: number; preview: PreviewJson; reviewCode: number; review: Review | undefined }> {
    const result = await project.run(["preview", "--json"]);
    const preview = JSON.parse(result.stdout) as PreviewJson;
    const reviewed = await review(result.stdout, workspace);
    expect(reviewed.stderr).to.equal("");
    return { previewCode: result.code, preview, reviewCode: reviewed.code, review: reviewed.review };
  }

  /**
   * `up`, returning the writes it sent as `METHOD id`: the id of a rule the workspace had before,
   * `new` for one this run created (a review cannot know its id), none for a POST.
   */
  async function upWrites(): Promise<string[]> {
    const before = new Set((await liveRules(client)).map((r) => r.id));
    await testHook(workspace, "POST", "reset");
    await project.ok(["up", "--yes", "--skip-preview"]);
    return (await requestLog(workspace))
      .filter((entry) => ["POST", "PATCH", "DELETE"].includes(entry.method) && entry.path.includes("/claim_mappings"))
      .map((entry) => {
        if (entry.method === "POST") return "POST";
        const id = entry.path.split("/").at(-1)!;
        return `${entry.method} ${before.has(id) ? id : "new"}`;
      });
  }

  /** The calls a review lists, in the form `upWrites` returns. */
  const listedCalls = (plan: ClaimMappingsPlanReport): string[] => plan.calls.map((c) => (c.method === "POST" ? "POST" : `${c.method} ${c.ruleId ?? "new"}`));

  useScene({ ssoProvider: true, project: { program: PROGRAM } }, (scene) => ({ workspace, client, project } = scene));
  before(async () => {
    const roles = new Map((await client.listRoles()).map((r) => [r.name, r.id]));
    // Rules someone made in the Torq UI before this stack existed.
    for (const rule of [OWNER, group("sre", "Operator"), group("contractors")]) {
      await client.createClaimMapping({ claim_name: rule.claimName, claim_value: rule.claimValue, role_id: roles.get(rule.role)! });
    }
  });

  it("refuses to take over the workspace's other rules unasked, showing at preview each rule the plan would change", async () => {
    const before = await liveRulesText(client);
    await declare([OWNER, group("engineering", "Operator"), group("sre", "Operator")]);
    const { previewCode, preview, reviewCode, review } = await previewAndReview();
    expect(previewCode).to.not.equal(0);
    const refusal = preview.diagnostics?.find((d) => d.severity === "error" && d.message.includes("refusing to take over"));
    expect(refusal?.urn, "the refusal is on the resource").to.match(/ClaimMappings::rules$/);
    expect(refusal?.message).to.include("overwriteExisting: true");
    // Each live rule the plan would change, in the plan's own words.
    expect(refusal?.message).to.match(/\n\s+[-~+↕] .*groups = (contractors|sre)/);
    // A resource whose check failed has no step in the preview: the review reports the refusal, plan included.
    expect(reviewCode).to.equal(1);
    expect(review?.refused).to.equal(true);
    const error = review?.errors.find((e) => e.resource === "ClaimMappings rules");
    expect(error?.message).to.include("refusing to take over the workspace's 3 existing claim-mapping rule(s)");
    expect(error?.message).to.include("lockout guard: passed");
    expect(await liveRulesText(client), "the workspace is untouched").to.deep.equal(before);
  });

  it("takes them over with overwriteExisting, sending exactly the calls the review listed", async () => {
    await project.ok(["config", "set", "overwriteExisting", "true"]);
    const { previewCode, reviewCode, review } = await previewAndReview();
    expect(previewCode).to.equal(0);
    expect(reviewCode).to.equal(2);
    const plan = claimMappingsPlan(review);
    expect(plan.adoption?.refused).to.equal(false);
    expect(await upWrites()).to.deep.equal(listedCalls(plan));
    expect(await liveRulesText(client)).to.deep.equal(asText([OWNER, group("engineering", "Operator"), group("sre", "Operator")]));
  });

  it("shows a reorder as one move, not as rewrites, in the review and in the preview's plan", async () => {
    await declare([OWNER, group("sre", "Operator"), group("engineering", "Operator")]);
    const { previewCode, preview, review } = await previewAndReview();
    expect(previewCode).to.equal(0);
    const plan = claimMappingsPlan(review);
    expect(plan.rows).to.have.length(1);
    expect(plan.rows[0]).to.deep.include({ kind: "changed", edited: false, moved: true });
    expect(plan.calls.map((c) => c.description)).to.deep.equal(["PATCH groups = sre (rank 2)"]);
    const summary = preview.diagnostics?.find((d) => d.message.includes("ClaimMappings plan:"));
    expect(summary?.severity).to.equal("info");
    expect(summary?.message).to.include("↕ groups = sre: 3 → 2");
    expect(summary?.message, "no blank-line noise").to.not.match(/\n\s*\n/);
    expect(await upWrites()).to.deep.equal(listedCalls(plan));
  });

  it("shows an insert as one added rule and a role change as an edit", async () => {
    await declare([OWNER, group("sre", "Contributor"), group("on-call", "Operator"), group("engineering", "Operator")]);
    const { review } = await previewAndReview();
    const plan = claimMappingsPlan(review);
    const kinds = plan.rows.map((r) => (r.kind === "changed" ? `${r.kind}:${r.after.claimValue}:${r.edited ? "edited" : ""}${r.moved ? "moved" : ""}` : `${r.kind}:${r.kind === "added" ? r.after.claimValue : r.before.claimValue}`));
    expect(kinds).to.have.members(["changed:sre:edited", "added:on-call"]);
    expect(await upWrites()).to.deep.equal(listedCalls(plan));
  });

  it("flags loudly, as a warning, drift that grants Owner", async () => {
    const live = await liveRules(client);
    const ownerRole = (await client.listRoles()).find((r) => r.name === "Owner")!.id;
    await client.updateClaimMapping(live.find((r) => r.claimValue === "engineering")!.id, { role_id: ownerRole });
    const { preview, reviewCode, review } = await previewAndReview();
    const warning = preview.diagnostics?.find((d) => d.severity === "warning" && d.message.includes("drift grants Owner"));
    expect(warning?.message).to.include("groups = engineering → Owner");
    expect(reviewCode).to.equal(2);
    const plan = claimMappingsPlan(review);
    expect(plan.drift?.grantsOwner).to.deep.equal(["groups = engineering → Owner (was Operator)"]);
    expect(review?.warnings.some((w) => w.message.includes("drift grants Owner"))).to.equal(true);
    await upWrites();
    expect((await liveRules(client)).find((r) => r.claimValue === "engineering")?.role).to.equal("Operator");
  });

  it("refuses at preview to remove the resource from the program, and the review says refused", async () => {
    const before = await liveRulesText(client);
    project.writeProgram("export const nothing = true;\n");
    const { previewCode, preview, reviewCode, review } = await previewAndReview();
    expect(previewCode).to.not.equal(0);
    expect(preview.diagnostics?.some((d) => d.severity === "error" && d.message.includes("protected"))).to.equal(true);
    expect(reviewCode).to.equal(1);
    expect(review?.errors.some((e) => e.message.includes("protected"))).to.equal(true);
    expect(await liveRulesText(client)).to.deep.equal(before);
    project.writeProgram(PROGRAM);
  });

  it("agrees with what up then sends, call for call, on random lists", async () => {
    const ruleArbitrary = fc.record({
      claimName: fc.constant("groups"),
      claimValue: fc.constantFrom("a", "b", "c", "d", "e", "f"),
      role: fc.constantFrom("Viewer", "Operator", "Contributor"),
    });
    const lists = fc.sample(fc.uniqueArray(ruleArbitrary, { selector: (r) => r.claimValue, maxLength: 6 }), { numRuns: 4, seed: 20261203 });
    for (const groups of lists) {
      const declared = [OWNER, ...groups];
      await declare(declared);
      const { reviewCode, review } = await previewAndReview();
      const plan = claimMappingsPlan(review);
      expect(reviewCode).to.equal(plan.calls.length ? 2 : 0);
      expect(await upWrites(), JSON.stringify(declared)).to.deep.equal(listedCalls(plan));
      expect(await liveRulesText(client)).to.deep.equal(asText(declared));
    }
  });
});

describe("reviewable previews of the SSO provider: certificate and secret rotation", function () {
  this.timeout(900_000);
  const ROTATION_A = readFileSync(path.join(SAML_FIXTURES, "rotation-a.pem"), "utf8");
  const ROTATION_B = readFileSync(path.join(SAML_FIXTURES, "rotation-b.pem"), "utf8");
  const bareBase64 = (pem: string): string => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  let workspace: Workspace;
  let client: TorqClient;
  let saml: PulumiProject;
  let oidc: PulumiProject;

  async function previewAndReview(project: PulumiProject): Promise<{ preview: PreviewJson; review: Review | undefined; reviewCode: number }> {
    const result = await project.run(["preview", "--json"]);
    expect(result.code, result.output.slice(-3000)).to.equal(0);
    const reviewed = await review(result.stdout, workspace);
    return { preview: JSON.parse(result.stdout) as PreviewJson, review: reviewed.review, reviewCode: reviewed.code };
  }

  function providerPlan(result: Review | undefined): SsoProviderPlanReport {
    const plan = result?.resources.find((r) => r.kind === "SsoProvider")?.plan;
    if (!plan || plan.resource !== "SsoProvider") throw new Error(`no SsoProvider plan in ${JSON.stringify(result)}`);
    return plan;
  }

  before(async () => {
    workspace = await startWorkspace({ port: 0, testHooks: true });
    client = clientFor(workspace);
    const owner = (await client.listRoles()).find((r) => r.name === "Owner")!.id;
    await client.createClaimMapping({ claim_name: "email", claim_value: "owner@example.com", role_id: owner });
    saml = await createProject({
      workspace,
      name: "review-saml",
      program: `import * as pulumi from "@pulumi/pulumi";
import * as torq from "pulumi-torq-sso";
const config = new pulumi.Config();
new torq.SsoProvider("sso", { protocol: "saml", signOnUrl: "https://idp.example.com/sso", issuer: "urn:example:idp", certificate: config.require("certificate") });
`,
    });
  });
  after(async () => {
    saml?.dispose();
    oidc?.dispose();
    await workspace?.close();
  });

  it("shows a certificate rotation by fingerprint, subject and expiry, with a caution while SSO-only login is on", async () => {
    await saml.ok(["config", "set", "certificate", bareBase64(ROTATION_A)]);
    await saml.ok(["up", "--yes", "--skip-preview"]);
    await client.putSsoSettings({ sso_only: true });
    await saml.ok(["config", "set", "certificate", bareBase64(ROTATION_B)]);
    const next = parseCertificate(ROTATION_B);
    const { preview, review: result, reviewCode } = await previewAndReview(saml);
    expect(reviewCode).to.equal(2);
    const plan = providerPlan(result);
    expect(plan.newCertificate).to.deep.equal({ fingerprintSha256: next.fingerprintSha256, subject: next.subject, notAfter: next.notAfter, listedInMetadata: null });
    expect(plan.changedFields.map((c) => c.field)).to.deep.equal(["certificate"]);
    expect(plan.ssoOnly).to.equal(true);
    const summary = preview.diagnostics?.find((d) => d.message.includes("SsoProvider plan:"));
    expect(summary?.message).to.include(`certificate: ${next.fingerprintSha256}, ${next.subject}, valid until ${next.notAfter}`);
    expect(summary?.message, "no base64 blob in the plan").to.not.include(bareBase64(ROTATION_B).slice(0, 40));
    const caution = preview.diagnostics?.find((d) => d.severity === "warning" && d.message.includes("SSO-only login is on"));
    expect(caution?.message).to.include("test a login");
    expect(result?.warnings.some((w) => w.message.includes("SSO-only login is on"))).to.equal(true);
    await client.putSsoSettings({ sso_only: false });
  });

  it("shows a client-secret rotation without the secret", async () => {
    await saml.ok(["state", "unprotect", "--all", "--yes"]);
    await saml.ok(["destroy", "--yes", "--skip-preview"]);
    oidc = await createProject({
      workspace,
      name: "review-oidc",
      program: `import * as pulumi from "@pulumi/pulumi";
import * as torq from "pulumi-torq-sso";
const config = new pulumi.Config();
new torq.SsoProvider("sso", { protocol: "oidc", issuerUrl: "https://idp.example.com", clientId: "torq", clientSecret: config.requireSecret("clientSecret") });
`,
    });
    await oidc.ok(["config", "set", "--secret", "--", "clientSecret", "first-secret-value-1"]);
    await oidc.ok(["up", "--yes", "--skip-preview"]);
    await oidc.ok(["config", "set", "--secret", "--", "clientSecret", "second-secret-value-2"]);
    const { preview, review: result, reviewCode } = await previewAndReview(oidc);
    expect(reviewCode).to.equal(2);
    expect(providerPlan(result).secret).to.equal("rotated");
    expect(JSON.stringify(preview)).to.not.include("second-secret-value-2");
    expect(JSON.stringify(result)).to.not.include("second-secret-value-2");
    expect(preview.diagnostics?.some((d) => d.message.includes("clientSecret: rotated (value hidden)"))).to.equal(true);
  });
});
