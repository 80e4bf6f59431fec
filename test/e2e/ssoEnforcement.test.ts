import { expect } from "chai";
import { TorqClient } from "../../provider/client/client";
import { OWNER_ROLE_ID } from "../../emulator";
import { type PulumiProject, type RunResult } from "./harness";
import { TEST_OIDC_PROVIDER, useScene } from "./scene";
import { PROVIDER_MODES } from "./providerModes";

const OWNER = "owner@example.com";

function expectNoStackTrace(result: RunResult): void {
  expect(result.output).to.not.match(/\n\s+at .+(\(.+:\d+:\d+\)|:\d+:\d+)/, "no stack trace");
}

/** The reasons of the check failures the engine printed, once each. */
function checkFailureReasons(result: RunResult): string[] {
  const reasons = new Set<string>();
  for (const line of result.output.split("\n")) {
    const match = /resource '[^']+' has a problem: (.*)$/.exec(line);
    if (match) reasons.add(match[1]!);
  }
  return [...reasons];
}

async function addProviderThroughApi(client: TorqClient): Promise<void> {
  await client.putSsoProvider(TEST_OIDC_PROVIDER);
}

async function ssoOnly(client: TorqClient): Promise<boolean> {
  return (await client.getSsoSettings()).sso_only;
}

/** A program declaring the rules and SSO-only login, with the provider enabled, disabled or not declared. */
function program(options: { provider: "enabled" | "disabled" | "absent"; ssoOnly: boolean }): string {
  const declared = options.provider !== "absent";
  return `import * as torq from "pulumi-torq-sso";
const rules = new torq.ClaimMappings("rules", { mappings: [{ claimName: "email", claimValue: "${OWNER}", role: "Owner" }] });
${declared ? `const provider = new torq.SsoProvider("idp", { protocol: "oidc", issuerUrl: "https://idp.example.com", clientId: "torq", clientSecret: "s3cret-value", enabled: ${options.provider === "enabled"} }, { dependsOn: [rules] });` : ""}
new torq.SsoEnforcement("sso-only", { ssoOnly: ${options.ssoOnly}, claimMappings: rules${declared ? ", ssoProvider: provider" : ""} });
`;
}

const DEFERRED = "SsoEnforcement: the SSO provider or rules change in this update; the lockout guard runs at apply, before SSO-only login is turned on";

for (const mode of PROVIDER_MODES) describe(`SsoEnforcement through the real Pulumi engine (${mode.name})`, function () {
  this.timeout(600_000);

  describe("the lockout guard at preview, against what the workspace already has", () => {
    let project: PulumiProject;
    let client: TorqClient;

    useScene(() => ({ project: { program: `import * as torq from "pulumi-torq-sso";\nnew torq.SsoEnforcement("sso-only", { ssoOnly: true });\n`, mode } }), (scene) => ({ client, project } = scene));

    async function refusedPreview(): Promise<string> {
      const result = await project.run(["preview"]);
      expect(result.code).to.not.equal(0);
      expectNoStackTrace(result);
      const reasons = checkFailureReasons(result);
      expect(reasons).to.have.length(1);
      expect(reasons[0]).to.match(/lockout/);
      expect(await ssoOnly(client)).to.equal(false);
      return reasons[0]!;
    }

    it("refuses ssoOnly: true when the workspace has neither an SSO provider nor an owner e-mail rule", async () => {
      expect(await refusedPreview()).to.include(
        "refusing ssoOnly: true: that would be a lockout, because the workspace has no SSO provider and no claim-mapping rule gives Owner to an e-mail address.",
      );
    });

    it("refuses it when there is a provider but no owner e-mail rule", async () => {
      await addProviderThroughApi(client);
      expect(await refusedPreview()).to.include("that would be a lockout, because no claim-mapping rule gives Owner to an e-mail address.");
    });

    it("refuses it when there is an owner e-mail rule but no provider", async () => {
      await client.deleteSsoProvider();
      await client.createClaimMapping({ claim_name: "email", claim_value: OWNER, role_id: OWNER_ROLE_ID });
      expect(await refusedPreview()).to.include("that would be a lockout, because the workspace has no SSO provider.");
    });

    it("allows it once both exist, and destroying the resource turns SSO-only login off", async () => {
      await addProviderThroughApi(client);
      await project.ok(["preview"]);
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect(await ssoOnly(client)).to.equal(true);
      await project.ok(["preview", "--expect-no-changes"]);
      await project.ok(["refresh", "--yes", "--expect-no-changes"]);
      // Protected by default: destroying is the explicit choice `pulumi state unprotect` makes.
      await project.ok(["state", "unprotect", "--all", "--yes"]);
      await project.ok(["destroy", "--yes", "--skip-preview"]);
      expect(await ssoOnly(client)).to.equal(false);
    });
  });

  describe("provider, rules and SSO-only login declared together", () => {
    let project: PulumiProject;
    let client: TorqClient;

    useScene(() => ({ project: { program: program({ provider: "enabled", ssoOnly: true }), mode } }), (scene) => ({ client, project } = scene));

    it("creates all three in one run: the preview defers the guard to apply, which turns SSO-only on after the others exist", async () => {
      const preview = await project.ok(["preview"]);
      expect(preview.output).to.include(DEFERRED);
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect(await ssoOnly(client)).to.equal(true);
      expect((await client.getSsoProvider())?.enabled).to.equal(true);
      expect((await client.listClaimMappings()).items.map((r) => r.claim_value)).to.deep.equal([OWNER]);
      const again = await project.ok(["preview", "--expect-no-changes"]);
      expect(again.output, "nothing changes, so the guard runs at preview again").to.not.include(DEFERRED);
      await project.ok(["refresh", "--yes", "--expect-no-changes"]);
    });

    it("refuses at preview to disable the provider while SSO-only login is enforced", async () => {
      project.writeProgram(program({ provider: "disabled", ssoOnly: true }));
      const result = await project.run(["preview"]);
      expect(result.code).to.not.equal(0);
      expectNoStackTrace(result);
      expect(checkFailureReasons(result)).to.deep.equal([
        "enabled: refusing to disable the SSO provider while SSO-only login is enforced: that is a lockout (nobody could sign in). " +
          "Set ssoOnly: false on the SsoEnforcement resource and apply that first, then disable the provider.",
      ]);
    });

    it("refuses to delete the provider while SSO-only login is enforced, and the workspace keeps it", async () => {
      project.writeProgram(program({ provider: "absent", ssoOnly: true }));
      const protectedPreview = await project.run(["preview"]);
      expect(protectedPreview.code, "protected by default, so refused at preview").to.not.equal(0);
      expect(protectedPreview.output).to.include("cannot be deleted");
      // Released explicitly, the delete reaches the provider, whose guard refuses it.
      await project.ok(["state", "unprotect", "--all", "--yes"]);
      const result = await project.run(["up", "--yes"]);
      expect(result.code).to.not.equal(0);
      expectNoStackTrace(result);
      expect(result.output).to.include("refusing to delete the SSO provider while SSO-only login is enforced: that is a lockout");
      expect((await client.getSsoProvider())?.enabled).to.equal(true);
      expect(await ssoOnly(client)).to.equal(true);
    });

    it("turns SSO-only login off and then deletes the provider, in one run", async () => {
      project.writeProgram(program({ provider: "absent", ssoOnly: false }));
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect(await ssoOnly(client)).to.equal(false);
      expect(await client.getSsoProvider()).to.equal(undefined);
      await project.ok(["preview", "--expect-no-changes"]);
      await project.ok(["state", "unprotect", "--all", "--yes"]);
      await project.ok(["destroy", "--yes", "--skip-preview"]);
      expect((await client.listClaimMappings()).items).to.deep.equal([]);
    });
  });

  describe("the guard deferred to apply still refuses", () => {
    let project: PulumiProject;
    let client: TorqClient;

    useScene(() => ({ project: { program: program({ provider: "disabled", ssoOnly: true }), mode } }), (scene) => ({ client, project } = scene));

    it("creates a disabled provider and the rules in the same run, then refuses SSO-only login against them", async () => {
      const result = await project.run(["up", "--yes"]);
      expect(result.code).to.not.equal(0);
      expectNoStackTrace(result);
      expect(result.output).to.include(DEFERRED);
      expect(checkFailureReasons(result)).to.deep.equal([
        "refusing ssoOnly: true: that would be a lockout, because the workspace's SSO provider is disabled. " +
          'Declare an enabled torq.SsoProvider and a torq.ClaimMappings rule { claimName: "email", claimValue: <an owner\'s address>, role: "Owner" } above every rule on another claim, ' +
          "apply them and test a login, then enforce SSO-only login (pass them as ssoProvider / claimMappings so the order is right).",
      ]);
      expect((await client.getSsoProvider())?.enabled).to.equal(false);
      expect(await ssoOnly(client)).to.equal(false);
    });
  });
});
