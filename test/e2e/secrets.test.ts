import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createProject, startWorkspace, type PulumiProject, type RunResult } from "./harness";
import { keyFileOf, type Workspace } from "../../emulator";
import { WorkspaceKey } from "../../emulator/auth/workspaceKey";
import { ClientSecretVault } from "../../emulator/login/clientSecretVault";

/** Canary client secrets: any occurrence of one outside the encrypted config is a leak. */
const CANARY = "canary-7f3a9c1e-not-for-logs";
const SECOND_CANARY = "canary-2b94d0e7-not-for-logs";
const THIRD_CANARY = "canary-3c51aa08-not-for-logs";
const CANARIES = [CANARY, SECOND_CANARY, THIRD_CANARY];

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function expectNoCanary(label: string, text: string): void {
  for (const canary of CANARIES) expect(occurrences(text, canary), `${canary} in ${label}`).to.equal(0);
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** -v=9 with the engine's and the providers' logs on stderr: the most a user can make Pulumi print. */
const VERBOSE = ["--logtostderr", "-v=9", "--logflow"];

/** How the program is given the client secret: as a config secret, or as a plain value it reads from its environment. */
const MODES = [
  { name: "given as a config secret", fromEnvironment: false },
  { name: "given as a plain value from the environment", fromEnvironment: true },
] as const;

for (const mode of MODES) describe(`the OIDC client secret never appears in plain text, ${mode.name}`, function () {
  this.timeout(600_000);
  let dataDir: string;
  let dataFile: string;
  let workspace: Workspace;
  let project: PulumiProject;
  let secret = CANARY;

  /** Sets the secret the program declares, the way this mode gives it. */
  async function declareSecret(value: string): Promise<void> {
    secret = value;
    if (!mode.fromEnvironment) await project.ok(["config", "set", "--secret", "oidcClientSecret", value]);
  }

  /** The client secret the workspace stored, sealed in its data file, opened with its key file. */
  function storedSecret(): string | null {
    const db = new DatabaseSync(dataFile, { readOnly: true });
    try {
      const row = db.prepare("SELECT client_secret_sealed FROM sso_provider WHERE singleton = 1").get() as { client_secret_sealed: string | null } | undefined;
      const sealed = row?.client_secret_sealed ?? null;
      if (sealed === null) return null;
      const key = WorkspaceKey.parse(readFileSync(keyFileOf(dataFile), "utf8"), "the key file");
      return new ClientSecretVault(key.clientSecretSealingKey()).open(sealed);
    } finally {
      db.close();
    }
  }

  async function rawGet(route: string): Promise<string> {
    const basic = Buffer.from(`${workspace.ownerKey.client_id}:${workspace.ownerKey.client_secret}`).toString("base64");
    const token = (await (
      await fetch(`${workspace.url}/v1/auth/token`, {
        method: "POST",
        headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials",
      })
    ).json()) as { access_token: string };
    const response = await fetch(`${workspace.url}${route}`, { headers: { Authorization: `Bearer ${token.access_token}` } });
    expect(response.status, `GET ${route}`).to.equal(200);
    return response.text();
  }

  async function run(args: string[]): Promise<RunResult> {
    const result = await project.run(args, mode.fromEnvironment ? { OIDC_CLIENT_SECRET: secret } : {});
    expectNoCanary(`pulumi ${args.join(" ")}`, result.output);
    expect(occurrences(result.output, workspace.ownerKey.client_secret), `the workspace API key's secret in pulumi ${args.join(" ")}`).to.equal(0);
    return result;
  }

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "torq-sso-secrets-"));
    dataFile = path.join(dataDir, "workspace.db");
    workspace = await startWorkspace({ port: 0, testHooks: true, dataFile });
    project = await createProject({ workspace, example: "oidc-okta" });
    if (mode.fromEnvironment) {
      const program = path.join(project.dir, "index.ts");
      const source = readFileSync(program, "utf8");
      expect(source).to.include('config.requireSecret("oidcClientSecret")');
      writeFileSync(program, source.replace('config.requireSecret("oidcClientSecret")', 'process.env["OIDC_CLIENT_SECRET"]!'));
    }
    await declareSecret(CANARY);
  });
  after(async () => {
    project?.dispose();
    await workspace?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("is not in the verbose log of `pulumi up`, yet the workspace received exactly it", async () => {
    const up = await run(["up", "--yes", ...VERBOSE]);
    expect(up.code, up.output.slice(-4000)).to.equal(0);
    expect(up.output.length, "the verbose log really is verbose").to.be.greaterThan(50_000);
    expect(storedSecret()).to.equal(CANARY);
  });

  it("is not in `pulumi stack export`: the input is ciphertext, the output only a keyed digest", async () => {
    const exported = await run(["stack", "export"]);
    expect(exported.code).to.equal(0);
    const deployment = JSON.parse(exported.stdout) as { deployment: { resources: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] } };
    const provider = deployment.deployment.resources.find((r) => r.type === "pulumi-nodejs:dynamic/torq:SsoProvider");
    expect(provider?.inputs?.["clientSecret"]).to.have.property("ciphertext");
    expect(provider?.outputs).to.not.have.property("clientSecret");
    expect(provider?.outputs?.["clientSecretDigest"]).to.have.property("ciphertext");
  });

  it("is not in the verbose log of `pulumi preview --diff` after a rotation to a second canary, which shows the change without values", async () => {
    await declareSecret(SECOND_CANARY);
    const preview = await run(["preview", "--diff", ...VERBOSE]);
    expect(preview.code, preview.output.slice(-4000)).to.equal(0);
    expect(preview.output).to.include("clientSecret: rotated (value hidden)");
    expect(preview.output).to.match(/clientSecret\s*: \[secret\]/);
  });

  it("is not in the verbose log of `pulumi up` applying the rotation", async () => {
    const up = await run(["up", "--yes", ...VERBOSE]);
    expect(up.code).to.equal(0);
    expect(storedSecret()).to.equal(SECOND_CANARY);
  });

  it("is not in the verbose log of `pulumi refresh`, which finds nothing to change", async () => {
    const refresh = await run(["refresh", "--yes", "--expect-no-changes", ...VERBOSE]);
    expect(refresh.code, refresh.output.slice(-4000)).to.equal(0);
  });

  it("is kept by the workspace only sealed: not in its data files, its request log, nor GET /sso/provider", async () => {
    const body = await rawGet("/public/v1alpha/sso/provider");
    expectNoCanary("GET /sso/provider", body);
    expect(body).to.not.include(sha256Hex(SECOND_CANARY));
    expect(Object.keys(JSON.parse(body) as object).filter((k) => k.startsWith("client_secret")).sort()).to.deep.equal(["client_secret_set", "client_secret_updated_at"]);
    const requests = await (await fetch(`${workspace.url}/_local/requests`)).text();
    expectNoCanary("the request log", requests);
    expect(requests).to.include("/public/v1alpha/sso/provider");
    for (const file of readdirSync(dataDir)) expectNoCanary(file, readFileSync(path.join(dataDir, file)).toString("latin1"));
  });

  it("is not in the verbose log of a failing preview or a failing up", async () => {
    await declareSecret(THIRD_CANARY);
    await project.ok(["config", "set", "oidcIssuerUrl", "http://dev-123456.okta.com"]);
    const refused = await run(["preview", ...VERBOSE]);
    expect(refused.code).to.not.equal(0);
    expect(refused.output).to.include("issuerUrl: must be an https URL");

    await project.ok(["config", "rm", "oidcIssuerUrl"]);
    const fault = await fetch(`${workspace.url}/_local/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ method: "PUT", path: "/public/v1alpha/sso/provider", status: 400, times: 1 }),
    });
    expect(fault.status).to.equal(200);
    const failed = await run(["up", "--yes", "--skip-preview", ...VERBOSE]);
    expect(failed.code).to.not.equal(0);
    expect(failed.output).to.include("PUT");
    expect(storedSecret(), "the failed write left the second secret in place").to.equal(SECOND_CANARY);
  });
});
