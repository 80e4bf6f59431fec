/**
 * Test logins after real `pulumi up` runs: a program declares the SsoProvider (pointing at the dev
 * IdPs on loopback) and the ClaimMappings; real users then sign in through a real IdP and get the
 * roles the rules say — and other roles once the rules are reordered.
 */
import { expect } from "chai";
import { startDevIdps, type DevIdps } from "../../devidp";
import { signInHeadlessly } from "../../cli/userAgent/headlessSignIn";
import { createProject, startWorkspace, type PulumiProject } from "./harness";
import type { Workspace } from "../../emulator";

type Rule = { claimName: string; claimValue: string; role: string };

const OWNER_RULE: Rule = { claimName: "email", claimValue: "owner@example.com", role: "Owner" };
const ADMINS: Rule = { claimName: "groups", claimValue: "platform-admins", role: "Contributor" };
const ENGINEERING: Rule = { claimName: "groups", claimValue: "engineering", role: "Operator" };
const EVERYONE: Rule = { claimName: "groups", claimValue: "everyone", role: "Viewer" };

function program(provider: string, rules: Rule[]): string {
  return `import * as pulumi from "@pulumi/pulumi";
import * as torq from "pulumi-torq-sso";
const config = new pulumi.Config();
const sso = new torq.SsoProvider("sso", ${provider});
const rules = new torq.ClaimMappings("rules", {
  mappings: ${JSON.stringify(rules)},
  breakGlassOwners: ["owner@example.com"],
}, { dependsOn: [sso] });
export const loginRedirectUrl = sso.loginRedirectUrl;
export const applied = rules.mappings;
`;
}

const OIDC_PROVIDER = `{
  protocol: "oidc",
  issuerUrl: config.require("issuerUrl"),
  clientId: config.require("clientId"),
  clientSecret: config.requireSecret("clientSecret"),
  scopes: ["openid", "email", "profile", "groups"],
}`;

const SAML_PROVIDER = `{ protocol: "saml", metadataUrl: config.require("metadataUrl") }`;

async function rolesOf(workspace: Workspace, users: string[]): Promise<Record<string, string | null>> {
  const roles: Record<string, string | null> = {};
  for (const user of users) {
    const outcome = await signInHeadlessly({ workspaceUrl: workspace.url, user });
    roles[user] = outcome.granted ? `${outcome.result.role} (rule ${outcome.result.rule.rank})` : `refused: ${outcome.loginError}`;
  }
  return roles;
}

describe("test logins through real IdPs after pulumi up", function () {
  this.timeout(600_000);
  let workspace: Workspace;
  let idps: DevIdps;
  let project: PulumiProject | undefined;

  beforeEach(async () => {
    workspace = await startWorkspace({ port: 0, testHooks: true });
    idps = await startDevIdps({ redirectUri: `${workspace.url}/__/auth/handler` });
  });
  afterEach(async () => {
    project?.dispose();
    project = undefined;
    await idps?.close();
    await workspace?.close();
  });

  it("OIDC (code flow): each user gets the role the declared rules say, and other roles after a reorder", async () => {
    project = await createProject({
      workspace,
      program: program(OIDC_PROVIDER, [OWNER_RULE, ADMINS, ENGINEERING, EVERYONE]),
      config: { issuerUrl: idps.oidc.issuer, clientId: idps.oidc.client.clientId },
    });
    await project.ok(["config", "set", "--secret", "--", "clientSecret", idps.oidc.client.clientSecret]);
    await project.ok(["up", "--yes", "--skip-preview"]);
    const redirect = await project.ok(["stack", "output", "loginRedirectUrl"]);
    expect(redirect.stdout.trim()).to.equal(`${workspace.url}/__/auth/handler`);

    expect(await rolesOf(workspace, ["owner", "admin", "dev", "viewer", "contractor"])).to.deep.equal({
      owner: "Owner (rule 1)",
      admin: "Contributor (rule 2)",
      dev: "Operator (rule 3)",
      viewer: "Viewer (rule 4)",
      contractor: "refused: NO_MATCHING_RULE",
    });

    // Everyone first: the group rules below it become unreachable for anyone in `everyone`.
    project.writeProgram(program(OIDC_PROVIDER, [OWNER_RULE, EVERYONE, ENGINEERING, ADMINS]));
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await rolesOf(workspace, ["owner", "admin", "dev", "viewer"])).to.deep.equal({
      owner: "Owner (rule 1)",
      admin: "Viewer (rule 2)",
      dev: "Viewer (rule 2)",
      viewer: "Viewer (rule 2)",
    });
    await project.ok(["preview", "--expect-no-changes"]);
  });

  it("SAML (provider from the dev IdP's metadataUrl): roles follow the rules and their order", async () => {
    project = await createProject({
      workspace,
      program: program(SAML_PROVIDER, [OWNER_RULE, ENGINEERING, EVERYONE]),
      config: { metadataUrl: idps.saml.metadataUrl },
    });
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await rolesOf(workspace, ["owner", "dev", "viewer", "contractor"])).to.deep.equal({
      owner: "Owner (rule 1)",
      dev: "Operator (rule 2)",
      viewer: "Viewer (rule 3)",
      contractor: "refused: NO_MATCHING_RULE",
    });

    project.writeProgram(program(SAML_PROVIDER, [OWNER_RULE, EVERYONE, ENGINEERING]));
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await rolesOf(workspace, ["dev", "sre"])).to.deep.equal({ dev: "Viewer (rule 2)", sre: "Viewer (rule 2)" });
  });
});
