import { expect } from "chai";
import { TorqClient } from "../../provider/client/client";
import { type PulumiProject } from "./harness";
import { TEST_OIDC_PROVIDER, useScene } from "./scene";
import type { Workspace } from "../../emulator";
import { PROVIDER_MODES } from "./providerModes";
import { asText, liveRulesText, requestLog, resetRequestLog, writesIn } from "./workspaceTools";

const OWNER = "owner@example.com";

function program(rules: { claimName: string; claimValue: string; role: string }[], extra = "", options = ""): string {
  return `import * as torq from "pulumi-torq-sso";
export const rules = new torq.ClaimMappings("rules", {
  mappings: ${JSON.stringify(rules)},
  ${extra}
}${options ? `, ${options}` : ""}).mappings;
`;
}

const BASE = [
  { claimName: "email", claimValue: OWNER, role: "Owner" },
  { claimName: "groups", claimValue: "sre", role: "Operator" },
  { claimName: "groups", claimValue: "everyone", role: "Viewer" },
];

async function addOidcProvider(client: TorqClient): Promise<void> {
  await client.putSsoProvider(TEST_OIDC_PROVIDER);
}

for (const mode of PROVIDER_MODES) describe(`ClaimMappings through the real Pulumi engine (${mode.name})`, function () {
  this.timeout(600_000);
  let workspace: Workspace;
  let project: PulumiProject;
  let client: TorqClient;

  useScene(() => ({ project: { program: program(BASE), mode } }), (scene) => ({ workspace, client, project } = scene));

  it("creates the declared list, then a second preview shows no changes and refresh finds none", async () => {
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await liveRulesText(client)).to.deep.equal(asText(BASE));
    await project.ok(["preview", "--expect-no-changes"]);
    await project.ok(["refresh", "--yes", "--expect-no-changes"]);
  });

  it("refuses at preview a list with no owner e-mail rule while SSO is configured, and changes nothing", async () => {
    await addOidcProvider(client);
    const before = await liveRulesText(client);
    project.writeProgram(program(BASE.slice(1)));
    const result = await project.run(["preview"]);
    expect(result.code).to.not.equal(0);
    expect(result.output).to.match(/lockout/i);
    expect(result.output).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/, "no stack trace");
    const up = await project.run(["up", "--yes"]);
    expect(up.code).to.not.equal(0);
    expect(await liveRulesText(client)).to.deep.equal(before);
  });

  it("refuses an owner e-mail rule shadowed by an earlier rule for the same claim", async () => {
    const shadowed = [{ claimName: "email", claimValue: OWNER, role: "Viewer" }, ...BASE];
    project.writeProgram(program(shadowed));
    const result = await project.run(["preview"]);
    expect(result.code).to.not.equal(0);
    expect(result.output).to.match(/lockout/i);
    expect(result.output).to.include(OWNER);
  });

  it("refuses a break-glass owner who would not be Owner", async () => {
    project.writeProgram(program(BASE, `breakGlassOwners: ["oncall@example.com"],`));
    const result = await project.run(["preview"]);
    expect(result.code).to.not.equal(0);
    expect(result.output).to.match(/lockout/i);
    expect(result.output).to.include("oncall@example.com");
  });

  it("shows drift made in the workspace at preview, and up restores the declared list", async () => {
    project.writeProgram(program(BASE));
    const list = await client.listClaimMappings();
    // As an edit in the UI could: a group rule moved above the owner rule, which the workspace's own
    // guard refuses unless told (it shadows the owner e-mail rule for owners in that group).
    await client.updateClaimMapping(list.items[2]!.id, { rank: 1 }, { allowLockout: true });
    const preview = await project.run(["preview", "--expect-no-changes"]);
    expect(preview.code).to.not.equal(0);
    expect(preview.output).to.include("drift");
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await liveRulesText(client)).to.deep.equal(asText(BASE));
    await project.ok(["preview", "--expect-no-changes"]);
  });

  it("after a run that applied the list but was not recorded, one up records it without an API call, and previews are quiet again", async () => {
    // What an interrupted `up` leaves: the workspace holds the declared list, the stack the old one.
    const declared = [BASE[0]!, BASE[2]!, BASE[1]!];
    const live = await client.listClaimMappings();
    await client.updateClaimMapping(live.items[2]!.id, { rank: 2 });
    project.writeProgram(program(declared));
    const preview = await project.run(["preview", "--expect-no-changes"]);
    expect(preview.code, "the stack's record must catch up").to.not.equal(0);
    expect(preview.output).to.include("the workspace already holds the declared list");
    expect(preview.output).to.not.include("drift");
    await resetRequestLog(workspace);
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(writesIn(await requestLog(workspace)), "up sends no write").to.deep.equal([]);
    const quiet = await project.ok(["preview", "--expect-no-changes"]);
    expect(quiet.output).to.not.include("ClaimMappings plan");
    project.writeProgram(program(BASE));
    await project.ok(["up", "--yes", "--skip-preview"]);
  });

  it("refuses at preview an owner e-mail rule below a group rule that gives another role, whatever breakGlassOwners says", async () => {
    const before = await liveRulesText(client);
    const shadowed = [{ claimName: "groups", claimValue: "everyone", role: "Viewer" }, ...BASE.filter((r) => r.claimValue !== "everyone")];
    project.writeProgram(program(shadowed, `breakGlassOwners: ["${OWNER}"],`));
    const result = await project.run(["preview"]);
    expect(result.code).to.not.equal(0);
    expect(result.output).to.match(/lockout/i);
    expect(result.output).to.include("rule 1 (groups = everyone → Viewer), which could match an owner's groups");
    expect(result.output).to.include("declare them in breakGlassOwners");
    expect(await liveRulesText(client)).to.deep.equal(before);
  });

  it("applies that order once the owner's groups are declared and do not match the rule above", async () => {
    const reordered = [{ claimName: "groups", claimValue: "contractors", role: "Viewer" }, ...BASE];
    project.writeProgram(program(reordered, `breakGlassOwners: [{ email: "${OWNER}", groups: ["platform"] }],`));
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await liveRulesText(client)).to.deep.equal(asText(reordered));
    project.writeProgram(program(BASE));
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await liveRulesText(client)).to.deep.equal(asText(BASE));
  });

  it("refuses at preview to remove the resource from the program (protected by default), and the workspace is untouched", async () => {
    project.writeProgram("export const nothing = true;\n");
    const preview = await project.run(["preview"]);
    expect(preview.code).to.not.equal(0);
    expect(preview.output).to.include("cannot be deleted");
    expect(preview.output).to.include("protected");
    const json = JSON.parse((await project.run(["preview", "--json"])).stdout) as { diagnostics?: { severity: string; message: string }[] };
    expect(json.diagnostics?.some((d) => d.severity === "error" && d.message.includes("protected"))).to.equal(true);
    const destroy = await project.run(["destroy", "--yes"]);
    expect(destroy.code).to.not.equal(0);
    expect(await liveRulesText(client)).to.deep.equal(asText(BASE));
  });

  it("with protection released, destroy still meets the lockout guard while SSO is configured, and goes through after allowLockout", async () => {
    project.writeProgram(program(BASE, "", "{ protect: false }"));
    await project.ok(["up", "--yes", "--skip-preview"]);
    const refused = await project.run(["destroy", "--yes", "--skip-preview"]);
    expect(refused.code).to.not.equal(0);
    expect(refused.output).to.match(/lockout/i);
    expect(await liveRulesText(client)).to.deep.equal(asText(BASE));
    project.writeProgram(program(BASE, "allowLockout: true,", "{ protect: false }"));
    await project.ok(["up", "--yes", "--skip-preview"]);
    await project.ok(["destroy", "--yes", "--skip-preview"]);
    expect(await liveRulesText(client)).to.deep.equal([]);
  });
});
