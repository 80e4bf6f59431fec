import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { TorqClient } from "../../provider/client/client";
import { parseCertificate } from "../../provider/saml";
import type { PutSsoProvider, SsoProviderRecord } from "../../provider/schemas/api";
import { IDP_METADATA_FIXTURES, SAML_FIXTURES } from "../unit/saml/paths";
import type { PulumiProject, RunResult } from "./harness";
import { useScene } from "./scene";
import type { Workspace } from "../../emulator";
import { PROVIDER_MODES } from "./providerModes";

const ROTATION_A = readFileSync(path.join(SAML_FIXTURES, "rotation-a.pem"), "utf8");
const ROTATION_B = readFileSync(path.join(SAML_FIXTURES, "rotation-b.pem"), "utf8");

/** Entra's common metadata lists four signing certificates valid today; this one is valid longest. */
const ENTRA_LONGEST = { fingerprint: "3D:25:83:F7:7A:03:43:FA:09:37:38:CA:09:B8:45:54:52:DA:E5:B3:3B:B5:B9:8E:6A:1D:AF:97:70:F4:05:A1", notAfter: "2031-02-05T07:02:51Z" };
const TENANT = "11111111-2222-3333-4444-555555555555";

async function liveProvider(client: TorqClient): Promise<SsoProviderRecord> {
  const live = await client.getSsoProvider();
  if (!live) throw new Error("the workspace has no SSO provider");
  return live;
}

function fingerprintOf(pem: string | undefined): string {
  if (!pem) throw new Error("no certificate");
  return parseCertificate(pem).fingerprintSha256;
}

function bareBase64(pem: string): string {
  return pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
}

async function stackOutputs(project: PulumiProject): Promise<Record<string, unknown>> {
  return JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
}

/** The reasons of the check failures the engine printed, once each (it prints them twice: progress and Diagnostics). */
function checkFailureReasons(result: RunResult): string[] {
  const reasons = new Set<string>();
  for (const line of result.output.split("\n")) {
    const match = /resource '[^']+' has a problem: (.*)$/.exec(line);
    if (match) reasons.add(match[1]!);
  }
  return [...reasons].sort();
}

function expectNoStackTrace(result: RunResult): void {
  expect(result.output).to.not.match(/\n\s+at .+(\(.+:\d+:\d+\)|:\d+:\d+)/, "no stack trace");
}

/** A PUT of the live provider with some fields changed, as the Torq UI would make it. */
async function changeInWorkspace(client: TorqClient, change: Partial<SsoProviderRecord> & { client_secret?: string }): Promise<void> {
  const live = await liveProvider(client);
  const body: Record<string, unknown> = { ...live, ...change };
  for (const readOnly of ["client_secret_set", "client_secret_updated_at", "updated_at"]) delete body[readOnly];
  await client.putSsoProvider(body as PutSsoProvider);
}

for (const mode of PROVIDER_MODES) describe(`SsoProvider through the real Pulumi engine (${mode.name})`, function () {
  this.timeout(600_000);

  describe("the oidc-okta example (OIDC, code flow, secret from config)", () => {
    const FIRST_SECRET = "okta-client-secret-first-4b1d";
    const SECOND_SECRET = "okta-client-secret-second-93ce";
    let workspace: Workspace;
    let project: PulumiProject;
    let client: TorqClient;

    useScene(() => ({ project: { example: "oidc-okta", mode } }), (scene) => ({ workspace, client, project } = scene));
    before(() => project.ok(["config", "set", "--secret", "oidcClientSecret", FIRST_SECRET]));

    it("creates the provider with the declared settings, and a second preview and a refresh find no changes", async () => {
      await project.ok(["up", "--yes", "--skip-preview"]);
      const live = await liveProvider(client);
      expect({ ...live, updated_at: "", client_secret_updated_at: "" }).to.deep.equal({
        protocol: "oidc",
        identity_provider: "okta",
        enabled: true,
        issuer_url: "https://dev-123456.okta.com",
        client_id: "0oa1b2c3d4EXAMPLE5d7",
        scopes: ["openid", "email", "profile", "groups"],
        grant_type: "code",
        send_login_hint: false,
        client_secret_set: true,
        client_secret_updated_at: "",
        updated_at: "",
      });
      // getSsoEndpoints() ran before any resource existed and agrees with what the provider reports.
      const outputs = await stackOutputs(project);
      expect(outputs).to.include({
        idpRedirectUri: `${workspace.url}/__/auth/handler`,
        idpAudience: "torq-local",
        loginRedirectUrl: `${workspace.url}/__/auth/handler`,
        providerEnabled: true,
      });
      await project.ok(["preview", "--expect-no-changes"]);
      await project.ok(["refresh", "--yes", "--expect-no-changes"]);
    });

    it("rotates the client secret from config: preview shows the update without the value, up writes it", async () => {
      const before = (await liveProvider(client)).client_secret_updated_at;
      await project.ok(["config", "set", "--secret", "oidcClientSecret", SECOND_SECRET]);
      const preview = await project.run(["preview", "--expect-no-changes"]);
      expect(preview.code).to.not.equal(0);
      expect(preview.output).to.include("clientSecret: rotated (value hidden)");
      expect(preview.output).to.match(/~ 1 to update/);
      await project.ok(["up", "--yes", "--skip-preview"]);
      const after = await liveProvider(client);
      expect(after.client_secret_set).to.equal(true);
      expect(after.client_secret_updated_at).to.be.a("string").and.not.equal(before);
      await project.ok(["preview", "--expect-no-changes"]);
    });

    it("shows a provider disabled and re-pointed in the workspace at preview, and up restores the declared one", async () => {
      await changeInWorkspace(client, { enabled: false, client_id: "changed-in-the-ui" });
      const preview = await project.run(["preview", "--expect-no-changes"]);
      expect(preview.code).to.not.equal(0);
      expect(preview.output).to.include("~ enabled: false → true");
      expect(preview.output).to.include("~ clientId: changed-in-the-ui → 0oa1b2c3d4EXAMPLE5d7");
      await project.ok(["up", "--yes", "--skip-preview"]);
      const live = await liveProvider(client);
      expect([live.enabled, live.client_id]).to.deep.equal([true, "0oa1b2c3d4EXAMPLE5d7"]);
      await project.ok(["preview", "--expect-no-changes"]);
    });

    it("shows a client secret replaced in the workspace as drift, also after a refresh, and up writes the declared one again", async () => {
      await changeInWorkspace(client, { client_secret: "pasted-in-the-ui" });
      const replacedAt = (await liveProvider(client)).client_secret_updated_at;
      const preview = await project.run(["preview", "--expect-no-changes"]);
      expect(preview.code).to.not.equal(0);
      expect(preview.output).to.include("drift: the client secret was changed outside Pulumi");
      // A refresh records the workspace's timestamp, and forgets the digest, so the change still shows.
      await project.ok(["refresh", "--yes", "--skip-preview"]);
      const afterRefresh = await project.run(["preview", "--expect-no-changes"]);
      expect(afterRefresh.code).to.not.equal(0);
      expect(afterRefresh.output).to.include("clientSecret: rotated (value hidden)");
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect((await liveProvider(client)).client_secret_updated_at).to.not.equal(replacedAt);
      // Writing the declared secret once more is a no-op for the workspace exactly when it already has it.
      const restoredAt = (await liveProvider(client)).client_secret_updated_at;
      await changeInWorkspace(client, { client_secret: SECOND_SECRET });
      expect((await liveProvider(client)).client_secret_updated_at).to.equal(restoredAt);
      await project.ok(["preview", "--expect-no-changes"]);
    });

    it("enforces SSO-only login from config, and destroy turns it off before it deletes the provider and the rules", async () => {
      await project.ok(["config", "set", "ssoOnly", "true"]);
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect((await client.getSsoSettings()).sso_only).to.equal(true);
      // Protected by default: destroying is the explicit choice `pulumi state unprotect` makes.
      await project.ok(["state", "unprotect", "--all", "--yes"]);
      await project.ok(["destroy", "--yes", "--skip-preview"]);
      expect(await client.getSsoProvider()).to.equal(undefined);
      expect((await client.listClaimMappings()).items).to.deep.equal([]);
      expect((await client.getSsoSettings()).sso_only).to.equal(false);
    });
  });

  describe("the saml-entra-metadata example (SAML from federation metadata)", () => {
    let workspace: Workspace;
    let project: PulumiProject;
    let client: TorqClient;

    useScene(() => ({ project: { example: "saml-entra-metadata", mode } }), (scene) => ({ workspace, client, project } = scene));

    it("creates the provider from the metadata, trusting the signing certificate valid longest, and finds no changes after", async () => {
      const up = await project.ok(["up", "--yes"]);
      expect(up.output).to.include(`lists 4 signing certificates valid today; using ${ENTRA_LONGEST.fingerprint}`);
      const live = await liveProvider(client);
      expect([live.protocol, live.identity_provider, live.enabled, live.issuer, live.sign_on_url]).to.deep.equal([
        "saml",
        "entra-id",
        true,
        `https://sts.windows.net/${TENANT}/`,
        `https://login.microsoftonline.com/${TENANT}/saml2`,
      ]);
      expect(fingerprintOf(live.certificate)).to.equal(ENTRA_LONGEST.fingerprint);
      expect(await stackOutputs(project)).to.include({
        certificateFingerprint: ENTRA_LONGEST.fingerprint,
        certificateNotAfter: ENTRA_LONGEST.notAfter,
        replyUrl: `${workspace.url}/__/auth/handler`,
        identifier: "torq-local",
      });
      await project.ok(["preview", "--expect-no-changes"]);
      await project.ok(["refresh", "--yes", "--expect-no-changes"]);
    });

    it("rotates the certificate from config: preview names the change, up makes the workspace trust the new one", async () => {
      const rotated = parseCertificate(ROTATION_A);
      // As bare base64 DER (what a metadata file's X509Certificate holds): the harness appends flags after
      // the value, so a PEM's leading dashes could not be protected with `--` here.
      await project.ok(["config", "set", "certificate", bareBase64(ROTATION_A)]);
      const preview = await project.run(["preview", "--expect-no-changes"]);
      expect(preview.code).to.not.equal(0);
      expect(preview.output).to.include(`~ certificate: ${ENTRA_LONGEST.fingerprint}`);
      expect(preview.output).to.include(`certificate: ${rotated.fingerprintSha256}, ${rotated.subject}, valid until ${rotated.notAfter}`);
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect(fingerprintOf((await liveProvider(client)).certificate)).to.equal(rotated.fingerprintSha256);
      expect(await stackOutputs(project)).to.include({ certificateFingerprint: rotated.fingerprintSha256, certificateNotAfter: rotated.notAfter });
      await project.ok(["preview", "--expect-no-changes"]);
    });

    it("shows a certificate replaced in the workspace at preview, and up restores the declared one", async () => {
      await changeInWorkspace(client, { certificate: ROTATION_B });
      const preview = await project.run(["preview", "--expect-no-changes"]);
      expect(preview.code).to.not.equal(0);
      expect(preview.output).to.include(`~ certificate: ${fingerprintOf(ROTATION_B)}`);
      expect(preview.output).to.include(`→ ${fingerprintOf(ROTATION_A)}`);
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect(fingerprintOf((await liveProvider(client)).certificate)).to.equal(fingerprintOf(ROTATION_A));
    });

    it("destroys the provider", async () => {
      // Protected by default: destroying is the explicit choice `pulumi state unprotect` makes.
      await project.ok(["state", "unprotect", "--all", "--yes"]);
      await project.ok(["destroy", "--yes", "--skip-preview"]);
      expect(await client.getSsoProvider()).to.equal(undefined);
    });
  });

  describe("check at preview", () => {
    let project: PulumiProject;

    const program = (args: string) => `import * as torq from "pulumi-torq-sso";\nnew torq.SsoProvider("idp", ${args});\n`;

    useScene(() => ({ project: { program: program(`{ protocol: "oidc" }`), mode } }), (scene) => ({ project } = scene));

    async function failingPreview(args: string): Promise<string[]> {
      project.writeProgram(program(args));
      const result = await project.run(["preview"]);
      expect(result.code).to.not.equal(0);
      expectNoStackTrace(result);
      return checkFailureReasons(result);
    }

    it("reports every problem of an OIDC provider at once, one line each, naming the field", async () => {
      const reasons = await failingPreview(`{ protocol: "oidc", issuerUrl: "http://idp.example.com", clientId: "torq", scopes: ["email", "profile"] }`);
      expect(reasons).to.deep.equal([
        'clientSecret: is required for the code flow (grantType "code"); the implicit flow needs none',
        "issuerUrl: must be an https URL (http is allowed only for loopback hosts)",
        'scopes: must include "openid" (OpenID Connect needs it to return an ID token)',
      ]);
    });

    it("refuses metadata whose only certificate has expired, together with an http sign-on URL", async () => {
      const xml = readFileSync(path.join(IDP_METADATA_FIXTURES, "onelogin-486670.xml"), "utf8");
      const reasons = await failingPreview(`{ protocol: "saml", metadataXml: ${JSON.stringify(xml)}, signOnUrl: "http://idp.example.com/sso" }`);
      expect(reasons).to.deep.equal([
        "certificate: expired on 2020-10-23T01:41:51Z (CN=OneLogin Account 70609, OU=OneLogin IdP, O=Bash Lab, C=US); IdP responses signed with it would be refused",
        "signOnUrl: must be an https URL (http is allowed only for loopback hosts)",
      ]);
    });

    it("refuses a certificate that is not one, without repeating it", async () => {
      const reasons = await failingPreview(`{ protocol: "saml", signOnUrl: "https://idp.example.com/sso", issuer: "urn:idp", certificate: "not-a-certificate garbage" }`);
      expect(reasons).to.deep.equal(["certificate: the certificate is neither PEM nor valid base64 (after removing whitespace)"]);
      expect(reasons.join("\n")).to.not.include("garbage");
    });
  });

  describe("against a workspace with Torq's documented API only (--torq-compatible)", () => {
    let workspace: Workspace;
    let project: PulumiProject;

    useScene(
      () => ({ workspace: { torqCompatible: true }, project: { program: `import * as torq from "pulumi-torq-sso";\nexport const endpoints = torq.getSsoEndpoints();\n`, mode } }),
      (scene) => ({ workspace, project } = scene),
    );

    it("getSsoEndpoints() falls back to Torq's own values rather than failing the program", async () => {
      const result = await project.ok(["preview"]);
      expect(result.output).to.include('loginRedirectUrl: "https://app.torq.io/__/auth/handler"');
    });

    // A program of its own: when a check fails the engine stops the program, which could still be
    // waiting for getSsoEndpoints() (served by the plugin in plugin mode) and would then report that.
    it("fails at preview with one sentence: the API does not offer the route, manage SSO in the Torq UI", async () => {
      project.writeProgram(`import * as torq from "pulumi-torq-sso";
new torq.SsoProvider("idp", { protocol: "oidc", issuerUrl: "https://idp.example.com", clientId: "torq", clientSecret: "s3cret" });
`);
      const result = await project.run(["preview"]);
      expect(result.code).to.not.equal(0);
      expectNoStackTrace(result);
      expect(checkFailureReasons(result)).to.deep.equal([
        `this workspace's API does not offer the SSO provider and settings routes (GET ${workspace.url}/public/v1alpha/sso/provider); manage the SSO provider and SSO-only login in the Torq UI (Settings > Security > SSO)`,
      ]);
    });
  });
});
