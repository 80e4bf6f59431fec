import { expect } from "chai";
import type { TorqClient } from "../../provider/client/client";
import { LocalWorkspace, routes } from "./localWorkspace";

describe("client: pagination", () => {
  let ws: LocalWorkspace;
  let client: TorqClient;
  beforeEach(async () => {
    // Seeding is not what is measured here, so neither side holds it to 50 requests a second.
    ws = await LocalWorkspace.start({ rateLimitPerSecond: null });
    client = ws.client({ rateLimitPerSecond: 10_000 });
  });
  afterEach(async () => ws.close());

  it("returns all 250 claim mappings in rank order with exactly 3 list GETs of page_size 100", async () => {
    const roleIds = (await client.listRoles()).map((role) => role.id);
    const created: string[] = [];
    for (let i = 0; i < 250; i++) {
      created.push((await client.createClaimMapping({ claim_name: "groups", claim_value: `team-${i}`, role_id: roleIds[i % roleIds.length]! })).data.id);
    }
    await ws.resetLog();

    const list = await client.listClaimMappings();

    expect(list.items.map((rule) => rule.id)).to.deep.equal(created);
    expect(list.items.map((rule) => rule.rank)).to.deep.equal(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(list.items.map((rule) => rule.claim_value)).to.deep.equal(Array.from({ length: 250 }, (_, i) => `team-${i}`));
    expect(list.etag).to.be.a("string");
    // The token was fetched while seeding; the list is three pages: 100 + 100 + 50.
    expect(await ws.requestLines()).to.deep.equal([
      `GET ${routes.claimMappings} 200`,
      `GET ${routes.claimMappings} 200`,
      `GET ${routes.claimMappings} 200`,
    ]);
  });

  it("returns all 250 roles, presets then custom roles in creation order, with exactly 3 role GETs", async () => {
    const presets = (await client.listRoles()).map((role) => role.name);
    expect(presets).to.deep.equal(["Owner", "Contributor", "Creator", "Operator", "Viewer", "Interact Only"]);
    const custom: string[] = [];
    for (let i = 0; i < 250 - presets.length; i++) custom.push((await ws.addCustomRole(`custom-${String(i).padStart(3, "0")}`)).name);
    await ws.resetLog();

    const roles = await client.listRoles();

    expect(roles.map((role) => role.name)).to.deep.equal([...presets, ...custom]);
    expect(roles.filter((role) => role.is_custom)).to.have.length(244);
    expect(await ws.requestLines()).to.deep.equal([`GET ${routes.roles} 200`, `GET ${routes.roles} 200`, `GET ${routes.roles} 200`]);
  });

  it("asks for exactly one page when the list fills one page exactly (100 rules)", async () => {
    await client.listClaimMappings();
    const roleId = (await client.listRoles())[0]!.id;
    for (let i = 0; i < 100; i++) await client.createClaimMapping({ claim_name: "groups", claim_value: `g${i}`, role_id: roleId });
    await ws.resetLog();
    expect((await client.listClaimMappings()).items).to.have.length(100);
    expect(await ws.requestLines()).to.deep.equal([`GET ${routes.claimMappings} 200`]);
  });
});
