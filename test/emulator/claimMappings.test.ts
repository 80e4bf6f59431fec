import { expect } from "chai";
import { claimMappingListSchema, claimMappingSchema, roleListSchema } from "../../provider/schemas/api";
import { api, expectApiError, startTestWorkspace, type TestWorkspace } from "./workspaceHarness";

describe("claim mappings", () => {
  let ws: TestWorkspace;
  let ownerRoleId: string;
  let viewerRoleId: string;
  beforeEach(async () => {
    ws = await startTestWorkspace();
    ownerRoleId = await ws.owner.roleId("Owner");
    viewerRoleId = await ws.owner.roleId("Viewer");
  });
  afterEach(async () => ws.stop());

  describe("roles", () => {
    it("lists Torq's six presets with uuids, descriptions and scopes; only Owner has user.write", async () => {
      const roles = await ws.owner.roles();
      expect(roles.map((role) => role.name)).to.deep.equal(["Owner", "Contributor", "Creator", "Operator", "Viewer", "Interact Only"]);
      for (const role of roles) {
        expect(role.is_custom).to.equal(false);
        expect(role.description).not.to.equal("");
        expect(role.scope_names.includes("user.write")).to.equal(role.name === "Owner");
      }
      expect(new Set(roles.map((role) => role.id)).size).to.equal(6);
    });

    it("pages the role list", async () => {
      const first = await ws.owner.call("GET", api("/roles?page_size=4"));
      const page1 = roleListSchema.parse(first.body);
      expect(page1.roles).to.have.length(4);
      const second = await ws.owner.call("GET", api(`/roles?page_size=4&page_token=${page1.next_page_token}`));
      const page2 = roleListSchema.parse(second.body);
      expect(page2.roles.map((role) => role.name)).to.deep.equal(["Viewer", "Interact Only"]);
      expect(page2.next_page_token).to.equal("");
    });
  });

  describe("POST /sso/claim_mappings", () => {
    it("appends the new rule last and answers 200 with it", async () => {
      const a = await ws.owner.createRule("email", "a@x.io", ownerRoleId);
      const b = await ws.owner.createRule("groups", "sre", viewerRoleId);
      expect(a).to.include({ claim_name: "email", claim_value: "a@x.io", role_id: ownerRoleId, rank: 1 });
      expect(b).to.include({ claim_name: "groups", claim_value: "sre", role_id: viewerRoleId, rank: 2 });
      expect(await ws.owner.listRules()).to.deep.equal([a, b]);
    });

    it("stores duplicate (claim_name, claim_value) pairs as given", async () => {
      const first = await ws.owner.createRule("email", "a@x.io", ownerRoleId);
      const second = await ws.owner.createRule("email", "a@x.io", viewerRoleId);
      expect(first.id).not.to.equal(second.id);
      expect(await ws.owner.listRules()).to.deep.equal([first, second]);
    });

    const invalidBodies: [string, unknown, string][] = [
      ["a missing claim_value", { claim_name: "email", role_id: "ROLE" }, "claim_value"],
      ["an empty claim_name", { claim_name: "", claim_value: "x", role_id: "ROLE" }, "claim_name"],
      ["a numeric claim_value", { claim_name: "email", claim_value: 7, role_id: "ROLE" }, "claim_value"],
      ["a role_id that is not a uuid", { claim_name: "email", claim_value: "x", role_id: "Owner" }, "role_id"],
      ["an unknown role_id", { claim_name: "email", claim_value: "x", role_id: "00000000-0000-4000-8000-000000000000" }, "role_id"],
      ["an unknown field", { claim_name: "email", claim_value: "x", role_id: "ROLE", rank: 1 }, "rank"],
      ["an array body", [], "body"],
    ];
    for (const [what, body, field] of invalidBodies) {
      it(`answers 400 naming ${field} for ${what}`, async () => {
        const json = JSON.parse(JSON.stringify(body).replace('"ROLE"', JSON.stringify(ownerRoleId))) as unknown;
        const answer = await ws.owner.call("POST", api("/sso/claim_mappings"), { json });
        const message = expectApiError(answer, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field });
        expect(message).to.contain(field);
        expect(await ws.owner.listRules()).to.deep.equal([]);
      });
    }
  });

  describe("GET | PATCH | DELETE /sso/claim_mappings/{id}", () => {
    it("reads one rule", async () => {
      const rule = await ws.owner.createRule("email", "a@x.io", ownerRoleId);
      const answer = await ws.owner.call("GET", api(`/sso/claim_mappings/${rule.id}`));
      expect(answer.status).to.equal(200);
      expect(claimMappingSchema.parse(answer.body)).to.deep.equal(rule);
    });

    it("patches claim_name, claim_value and role_id in place", async () => {
      const a = await ws.owner.createRule("email", "a@x.io", ownerRoleId);
      const b = await ws.owner.createRule("email", "b@x.io", ownerRoleId);
      const answer = await ws.owner.call("PATCH", api(`/sso/claim_mappings/${a.id}`), {
        json: { claim_name: "groups", claim_value: "admins", role_id: viewerRoleId },
      });
      expect(answer.status).to.equal(200);
      const patched = { ...a, claim_name: "groups", claim_value: "admins", role_id: viewerRoleId };
      expect(answer.body).to.deep.equal(patched);
      expect(await ws.owner.listRules()).to.deep.equal([patched, b]);
    });

    it("deletes a rule and closes the gap in the ranks", async () => {
      const [a, b, c] = [
        await ws.owner.createRule("email", "a", ownerRoleId),
        await ws.owner.createRule("email", "b", ownerRoleId),
        await ws.owner.createRule("email", "c", ownerRoleId),
      ];
      const answer = await ws.owner.call("DELETE", api(`/sso/claim_mappings/${b!.id}`));
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({});
      expect(await ws.owner.listRules()).to.deep.equal([a, { ...c!, rank: 2 }]);
    });

    for (const method of ["GET", "PATCH", "DELETE"]) {
      it(`answers 404 to ${method} of an unknown id, and of an id that is not a uuid`, async () => {
        for (const id of ["7a1c9f5e-0000-4000-8000-000000000000", "not-a-uuid"]) {
          const answer = await ws.owner.call(method, api(`/sso/claim_mappings/${id}`), method === "PATCH" ? { json: { rank: 1 } } : {});
          expectApiError(answer, { status: 404, code: 5, reason: "NOT_FOUND" });
        }
      });
    }

    it("answers 400 naming role_id for a PATCH to an unknown role", async () => {
      const rule = await ws.owner.createRule("email", "a", ownerRoleId);
      const answer = await ws.owner.call("PATCH", api(`/sso/claim_mappings/${rule.id}`), {
        json: { role_id: "00000000-0000-4000-8000-000000000000" },
      });
      expectApiError(answer, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "role_id" });
      expect(await ws.owner.listRules()).to.deep.equal([rule]);
    });
  });

  describe("rank moves", () => {
    // Torq's words: "given [a, b, c, d, e], updating the rank of c to 2 would result in [a, c, b, d, e]".
    const moves: [string, number, string][] = [
      ["c", 2, "acbde"],
      ["c", 1, "cabde"],
      ["c", 3, "abcde"],
      ["c", 5, "abdec"],
      ["a", 5, "bcdea"],
      ["e", 1, "eabcd"],
      ["b", 4, "acdbe"],
      ["d", 2, "adbce"],
    ];
    for (const [name, rank, expected] of moves) {
      it(`moving ${name} to rank ${rank} gives [${expected.split("").join(", ")}]`, async () => {
        const rules = new Map<string, string>();
        for (const value of "abcde") rules.set(value, (await ws.owner.createRule("email", value, ownerRoleId)).id);
        const answer = await ws.owner.call("PATCH", api(`/sso/claim_mappings/${rules.get(name)}`), { json: { rank } });
        expect(answer.status, answer.text).to.equal(200);
        expect(claimMappingSchema.parse(answer.body)).to.include({ claim_value: name, rank });
        const list = await ws.owner.listRules();
        expect(list.map((rule) => rule.claim_value).join("")).to.equal(expected);
        expect(list.map((rule) => rule.rank)).to.deep.equal([1, 2, 3, 4, 5]);
      });
    }

    it("moves and edits in one PATCH", async () => {
      const a = await ws.owner.createRule("email", "a", ownerRoleId);
      const b = await ws.owner.createRule("email", "b", ownerRoleId);
      const answer = await ws.owner.call("PATCH", api(`/sso/claim_mappings/${b.id}`), { json: { rank: 1, role_id: viewerRoleId } });
      expect(answer.status).to.equal(200);
      expect(await ws.owner.listRules()).to.deep.equal([
        { ...b, rank: 1, role_id: viewerRoleId },
        { ...a, rank: 2 },
      ]);
    });

    const badRanks: [string, unknown][] = [
      ["past the end", 6],
      ["zero", 0],
      ["negative", -1],
      ["fractional", 1.5],
      ["a string", "2"],
    ];
    for (const [what, rank] of badRanks) {
      it(`answers 400 naming rank for a rank ${what}, and changes nothing`, async () => {
        const ids: string[] = [];
        for (const value of "abcde") ids.push((await ws.owner.createRule("email", value, ownerRoleId)).id);
        const before = await ws.owner.listRules();
        const answer = await ws.owner.call("PATCH", api(`/sso/claim_mappings/${ids[2]}`), { json: { rank } });
        const message = expectApiError(answer, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "rank" });
        expect(message).to.contain("rank");
        expect(await ws.owner.listRules()).to.deep.equal(before);
      });
    }
  });

  describe("pagination", () => {
    async function seed(count: number): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push((await ws.owner.createRule("groups", `g${i}`, viewerRoleId)).id);
      return ids;
    }

    it("serves 50 rules a page by default and follows next_page_token to an empty one", async () => {
      const ids = await seed(120);
      const seen: string[] = [];
      const sizes: number[] = [];
      let token = "";
      do {
        const answer = await ws.owner.call("GET", api(`/sso/claim_mappings${token === "" ? "" : `?page_token=${token}`}`));
        expect(answer.status).to.equal(200);
        const page = claimMappingListSchema.parse(answer.body);
        sizes.push(page.claim_mappings.length);
        seen.push(...page.claim_mappings.map((rule) => rule.id));
        token = page.next_page_token;
      } while (token !== "");
      expect(sizes).to.deep.equal([50, 50, 20]);
      expect(seen).to.deep.equal(ids);
    });

    it("honours page_size up to 100 and answers next_page_token \"\" on the last page", async () => {
      await seed(100);
      const answer = await ws.owner.call("GET", api("/sso/claim_mappings?page_size=100"));
      const page = claimMappingListSchema.parse(answer.body);
      expect(page.claim_mappings).to.have.length(100);
      expect(page.next_page_token).to.equal("");
      expect((answer.body as { next_page_token: unknown }).next_page_token).to.equal("");
    });

    it("treats page_size=0 as the default", async () => {
      await seed(55);
      const page = claimMappingListSchema.parse((await ws.owner.call("GET", api("/sso/claim_mappings?page_size=0"))).body);
      expect(page.claim_mappings).to.have.length(50);
    });

    for (const [param, value] of [
      ["page_size", "101"],
      ["page_size", "-1"],
      ["page_size", "ten"],
      ["page_size", "1.5"],
      ["page_token", "garbage"],
      ["page_token", Buffer.from("roles:2").toString("base64url")],
    ]) {
      it(`answers 400 naming ${param} for ${param}=${value}`, async () => {
        const answer = await ws.owner.call("GET", api(`/sso/claim_mappings?${param}=${value}`));
        expectApiError(answer, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: param });
      });
    }
  });
});
