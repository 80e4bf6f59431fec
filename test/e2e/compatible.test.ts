/**
 * ClaimMappings against a workspace that offers only what Torq documents (`torqCompatible`: no ETag,
 * no If-Match, no Idempotency-Key, no provider or settings routes). The provider must stay correct
 * without the [local] extensions: it re-reads the list before each write, and resolves a create whose
 * answer was lost by listing, never by a blind second POST.
 */
import { expect } from "chai";
import { TorqClient } from "../../provider/client/client";
import { API_BASE_PATH } from "../../provider/schemas/api";
import type { ClaimRule } from "../../provider/schemas/claimMappings";
import { type PulumiProject } from "./harness";
import { useScene } from "./scene";
import type { Workspace } from "../../emulator";
import { asText, liveRulesText, requestLog, testHook } from "./workspaceTools";

const CLAIM_MAPPINGS_PATH = `${API_BASE_PATH}/sso/claim_mappings`;

const OWNER: ClaimRule = { claimName: "email", claimValue: "owner@example.com", role: "Owner" };
const SRE: ClaimRule = { claimName: "groups", claimValue: "sre", role: "Operator" };
const DEVS: ClaimRule = { claimName: "groups", claimValue: "developers", role: "Creator" };
const EVERYONE: ClaimRule = { claimName: "groups", claimValue: "everyone", role: "Viewer" };
const AUDITORS: ClaimRule = { claimName: "groups", claimValue: "auditors", role: "Viewer" };
const ONCALL: ClaimRule = { claimName: "email", claimValue: "oncall@example.com", role: "Owner" };

function program(rules: readonly ClaimRule[]): string {
  return `import * as torq from "pulumi-torq-sso";
export const rules = new torq.ClaimMappings("rules", { mappings: ${JSON.stringify(rules)} }).mappings;
`;
}

describe("ClaimMappings against a workspace with only Torq's documented API", function () {
  this.timeout(600_000);
  let workspace: Workspace;
  let client: TorqClient;
  let project: PulumiProject;

  useScene(() => ({ workspace: { torqCompatible: true }, project: { program: program([OWNER, SRE, DEVS, EVERYONE]) } }), (scene) => ({ workspace, client, project } = scene));

  it("serves no ETag, so the provider cannot lean on If-Match", async () => {
    expect((await client.listClaimMappings()).etag).to.equal(undefined);
  });

  it("applies the declared list, and a second preview has no changes", async () => {
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await liveRulesText(client)).to.deep.equal(asText([OWNER, SRE, DEVS, EVERYONE]));
    await project.ok(["preview", "--expect-no-changes"]);
  });

  it("applies a reorder, an addition and a removal in one up, reading the list again before each write", async () => {
    const desired = [OWNER, EVERYONE, AUDITORS, SRE];
    project.writeProgram(program(desired));
    await testHook(workspace, "POST", "reset");
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await liveRulesText(client)).to.deep.equal(asText(desired));

    const calls = (await requestLog(workspace)).filter((r) => r.path.startsWith(CLAIM_MAPPINGS_PATH));
    const writes = calls.flatMap((r, i) => (r.method === "GET" ? [] : [i]));
    expect(writes.length).to.be.greaterThan(1);
    for (const i of writes) expect(calls[i - 1]?.method, `the call before ${calls[i]!.method} ${calls[i]!.path}`).to.equal("GET");
    await project.ok(["preview", "--expect-no-changes"]);
  });

  it("shows drift made through the API at preview, and up repairs it", async () => {
    const list = await client.listClaimMappings();
    const roles = new Map((await client.listRoles()).map((r) => [r.name, r.id]));
    await client.updateClaimMapping(list.items[3]!.id, { rank: 2, role_id: roles.get("Contributor")! });
    await client.deleteClaimMapping(list.items[2]!.id);
    await client.createClaimMapping({ claim_name: "groups", claim_value: "intruders", role_id: roles.get("Owner")! });

    const preview = await project.run(["preview", "--expect-no-changes"]);
    expect(preview.code, preview.output).to.not.equal(0);
    expect(preview.output).to.include("drift");
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(await liveRulesText(client)).to.deep.equal(asText([OWNER, EVERYONE, AUDITORS, SRE]));
    await project.ok(["preview", "--expect-no-changes"]);
  });

  it("resolves a create whose answer was lost by listing: one POST, no duplicate rule", async () => {
    const desired = [ONCALL, OWNER, EVERYONE, AUDITORS, SRE];
    project.writeProgram(program(desired));
    await testHook(workspace, "POST", "reset");
    await testHook(workspace, "POST", "faults", { method: "POST", path: CLAIM_MAPPINGS_PATH, drop: "after", times: 1 });
    await project.ok(["up", "--yes", "--skip-preview"]);

    const live = await liveRulesText(client);
    expect(live).to.deep.equal(asText(desired));
    expect(new Set(live).size, "no rule twice").to.equal(live.length);
    const posts = (await requestLog(workspace)).filter((r) => r.method === "POST" && r.path === CLAIM_MAPPINGS_PATH);
    // The dropped one (status 0) committed; the provider found it by listing and sent nothing more.
    expect(posts.map((r) => r.status)).to.deep.equal([0]);
    await project.ok(["preview", "--expect-no-changes"]);
  });
});
