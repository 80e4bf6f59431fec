/**
 * The SSO provider's side of the lockout promise (issue: adoption and identity changes under
 * SSO-only): a workspace with SSO-only login on and a working IdP. A new stack that declares another
 * provider is refused at preview, showing the live values it would replace; identical values adopt
 * silently; changing the provider's identity while SSO-only is on is refused — the workspace untouched
 * and the owner still signing in — unless SSO-only is off, or the program opts in with allowLockout.
 */
import { expect } from "chai";
import { startDevIdps, type DevIdps } from "../../devidp";
import { signInHeadlessly } from "../../cli/userAgent/headlessSignIn";
import { TorqClient } from "../../provider/client/client";
import { createProject, startWorkspace, type PulumiProject } from "./harness";
import type { Workspace } from "../../emulator";
import { clientFor } from "./workspaceTools";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as torq from "pulumi-torq-sso";
const config = new pulumi.Config();
new torq.SsoProvider("sso", {
  protocol: "oidc",
  issuerUrl: config.require("issuerUrl"),
  clientId: config.require("clientId"),
  clientSecret: config.requireSecret("clientSecret"),
  scopes: ["openid", "email", "profile", "groups"],
  overwriteExisting: config.getBoolean("overwriteExisting"),
  allowLockout: config.getBoolean("allowLockout"),
});
`;

describe("SsoProvider adoption and identity changes under SSO-only login", function () {
  this.timeout(600_000);
  let workspace: Workspace;
  let idps: DevIdps;
  let client: TorqClient;
  let project: PulumiProject;

  async function ownerRole(): Promise<string> {
    const outcome = await signInHeadlessly({ workspaceUrl: workspace.url, user: "owner" });
    return outcome.granted ? outcome.result.role : `refused: ${outcome.loginError}`;
  }

  async function liveIssuer(): Promise<string | undefined> {
    return (await client.getSsoProvider())?.issuer_url;
  }

  before(async () => {
    workspace = await startWorkspace({ port: 0, testHooks: true });
    idps = await startDevIdps({ redirectUri: `${workspace.url}/__/auth/handler` });
    client = clientFor(workspace);
    // A workspace set up in the Torq UI: the dev IdP, the owner's rule, SSO-only login on.
    await client.putSsoProvider({
      protocol: "oidc",
      issuer_url: idps.oidc.issuer,
      client_id: idps.oidc.client.clientId,
      client_secret: idps.oidc.client.clientSecret,
      scopes: ["openid", "email", "profile", "groups"],
    });
    const owner = (await client.listRoles()).find((r) => r.name === "Owner")!.id;
    await client.createClaimMapping({ claim_name: "email", claim_value: "owner@example.com", role_id: owner });
    await client.putSsoSettings({ sso_only: true });
    expect(await ownerRole()).to.equal("Owner");
    project = await createProject({
      workspace,
      program: PROGRAM,
      config: { issuerUrl: "https://other-idp.example.com", clientId: "copy-pasted-client" },
    });
    await project.ok(["config", "set", "--secret", "--", "clientSecret", "another-secret"]);
  });
  after(async () => {
    project?.dispose();
    await idps?.close();
    await workspace?.close();
  });

  it("refuses at preview to take over a different provider, showing the live values it would replace", async () => {
    const preview = await project.run(["preview"]);
    expect(preview.code).to.not.equal(0);
    expect(preview.output).to.include("refusing to take over the workspace's existing SSO provider");
    expect(preview.output).to.include(`~ issuerUrl: ${idps.oidc.issuer} → https://other-idp.example.com`);
    expect(preview.output).to.include(`~ clientId: ${idps.oidc.client.clientId} → copy-pasted-client`);
    expect(preview.output).to.include("overwriteExisting: true");
    expect(preview.output).to.not.include("another-secret");
    const up = await project.run(["up", "--yes"]);
    expect(up.code).to.not.equal(0);
    expect(await liveIssuer(), "the workspace is untouched").to.equal(idps.oidc.issuer);
    expect(await ownerRole()).to.equal("Owner");
  });

  it("still refuses with overwriteExisting while SSO-only is on: the identity would change, naming the fields and the way out", async () => {
    await project.ok(["config", "set", "overwriteExisting", "true"]);
    const preview = await project.run(["preview"]);
    expect(preview.code).to.not.equal(0);
    expect(preview.output).to.include("lockout guard: refusing to change the SSO provider's issuerUrl, clientId while SSO-only login is enforced");
    expect(preview.output).to.include("turn SSO-only login off first");
    expect(preview.output).to.include("test a login with it (torq-sso test-login)");
    expect(await liveIssuer()).to.equal(idps.oidc.issuer);
    expect(await ownerRole()).to.equal("Owner");
  });

  it("adopts identical values silently, with nothing to change afterwards", async () => {
    await project.ok(["config", "set", "issuerUrl", idps.oidc.issuer]);
    await project.ok(["config", "set", "clientId", idps.oidc.client.clientId]);
    await project.ok(["config", "set", "--secret", "--", "clientSecret", idps.oidc.client.clientSecret]);
    await project.ok(["config", "rm", "overwriteExisting"]);
    const preview = await project.ok(["preview"]);
    expect(preview.output).to.not.include("refusing");
    expect(preview.output).to.not.match(/~ (issuerUrl|clientId):/);
    await project.ok(["up", "--yes", "--skip-preview"]);
    await project.ok(["preview", "--expect-no-changes"]);
    expect(await ownerRole()).to.equal("Owner");
  });

  it("refuses an identity change of the stack's own provider while SSO-only is on; the owner still signs in", async () => {
    await project.ok(["config", "set", "issuerUrl", "https://other-idp.example.com"]);
    const preview = await project.run(["preview"]);
    expect(preview.code).to.not.equal(0);
    expect(preview.output).to.include("refusing to change the SSO provider's issuerUrl while SSO-only login is enforced");
    const up = await project.run(["up", "--yes"]);
    expect(up.code).to.not.equal(0);
    expect(await liveIssuer()).to.equal(idps.oidc.issuer);
    expect(await ownerRole()).to.equal("Owner");
  });

  it("lets the same change through when SSO-only login is off", async () => {
    await client.putSsoSettings({ sso_only: false });
    const preview = await project.ok(["preview"]);
    expect(preview.output).to.include(`~ issuerUrl: ${idps.oidc.issuer} → https://other-idp.example.com`);
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await liveIssuer()).to.equal("https://other-idp.example.com");
  });

  it("applies an identity change under SSO-only with allowLockout, with a loud warning", async () => {
    await client.putSsoSettings({ sso_only: true }, { allowLockout: true });
    await project.ok(["config", "set", "issuerUrl", idps.oidc.issuer]);
    await project.ok(["config", "set", "allowLockout", "true"]);
    const preview = await project.run(["preview", "--json"]);
    expect(preview.code, preview.output.slice(-3000)).to.equal(0);
    const diagnostics = (JSON.parse(preview.stdout) as { diagnostics?: { severity: string; message: string }[] }).diagnostics ?? [];
    expect(diagnostics.some((d) => d.severity === "warning" && d.message.includes("allowLockout is set: changing issuerUrl while SSO-only login is on"))).to.equal(true);
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await liveIssuer()).to.equal(idps.oidc.issuer);
    expect(await ownerRole()).to.equal("Owner");
  });
});
