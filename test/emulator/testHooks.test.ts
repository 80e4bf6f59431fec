import { expect } from "chai";
import { claimMappingListSchema } from "../../provider/schemas/api";
import { requestLogSchema } from "../../emulator/testHookSchemas";
import {
  ApiCaller,
  SAML_PROVIDER,
  api,
  callerWithRole,
  expectApiError,
  send,
  startTestWorkspace,
  type TestWorkspace,
} from "./workspaceHarness";

describe("test hooks (/_local)", () => {
  let ws: TestWorkspace;
  let ownerRoleId: string;
  beforeEach(async () => {
    ws = await startTestWorkspace();
    ownerRoleId = await ws.owner.roleId("Owner");
  });
  afterEach(async () => ws.stop());

  const hook = (method: string, path: string, json?: unknown) => send(ws.workspace.url + path, method, json === undefined ? {} : { json });

  async function addFault(rule: Record<string, unknown>): Promise<void> {
    const answer = await hook("POST", "/_local/faults", rule);
    expect(answer.status, answer.text).to.equal(200);
    expect(answer.body).to.have.property("id").that.is.a("string");
  }

  async function requestLog() {
    return requestLogSchema.parse((await hook("GET", "/_local/requests")).body).requests;
  }

  const createBody = (value: string) => ({ claim_name: "email", claim_value: value, role_id: ownerRoleId });

  it("are not served without testHooks", async () => {
    const plain = await startTestWorkspace({ testHooks: false });
    try {
      for (const [method, path] of [
        ["POST", "/_local/api_keys"],
        ["POST", "/_local/roles"],
        ["POST", "/_local/faults"],
        ["GET", "/_local/requests"],
        ["POST", "/_local/reset"],
      ] as const) {
        const answer = await send(plain.workspace.url + path, method, method === "POST" ? { json: {} } : {});
        expectApiError(answer, { status: 404, code: 5, reason: "NOT_FOUND" });
      }
    } finally {
      await plain.stop();
    }
  });

  describe("api keys and roles", () => {
    it("makes an API key for a role, by name", async () => {
      const viewer = await callerWithRole(ws.workspace.url, "Viewer");
      expect((await viewer.call("GET", api("/roles"))).status).to.equal(403);
    });

    it("answers 400 naming role for an unknown role", async () => {
      expectApiError(await hook("POST", "/_local/api_keys", { role: "Janitor" }), { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "role" });
    });

    it("makes a custom role that the role list shows, and refuses a duplicate name with 409", async () => {
      const created = await hook("POST", "/_local/roles", { name: "Auditor", description: "reads", scope_names: ["audit_log.read"] });
      expect(created.status).to.equal(200);
      expect(created.body).to.deep.include({ name: "Auditor", description: "reads", scope_names: ["audit_log.read"], is_custom: true });
      const roles = await ws.owner.roles();
      expect(roles[roles.length - 1]).to.deep.equal(created.body);
      expectApiError(await hook("POST", "/_local/roles", { name: "Auditor" }), { status: 409, code: 6, reason: "CONFLICT", field: "name" });
      expectApiError(await hook("POST", "/_local/roles", { name: "Owner" }), { status: 409, code: 6, reason: "CONFLICT", field: "name" });
    });
  });

  describe("the request log", () => {
    it("lists requests since the last reset, token calls included and hook calls excluded", async () => {
      await hook("POST", "/_local/reset");
      const caller = new ApiCaller(ws.workspace.url, ws.workspace.ownerKey);
      await caller.call("GET", api("/sso/claim_mappings?page_size=5"));
      await caller.call("GET", api("/sso/claim_mappings/nope"));
      const log = await requestLog();
      expect(log.map(({ method, path, status }) => ({ method, path, status }))).to.deep.equal([
        { method: "POST", path: "/v1/auth/token", status: 200 },
        { method: "GET", path: api("/sso/claim_mappings"), status: 200 },
        { method: "GET", path: api("/sso/claim_mappings/nope"), status: 404 },
      ]);
      for (const entry of log) expect(new Date(entry.at).toISOString()).to.equal(entry.at);
      await hook("POST", "/_local/reset");
      expect(await requestLog()).to.deep.equal([]);
    });
  });

  describe("faults", () => {
    it("answers with an injected status and Retry-After, for `times` requests only", async () => {
      await addFault({ method: "GET", path: api("/sso/claim_mappings"), status: 503, retry_after: 2, times: 2 });
      for (let i = 0; i < 2; i++) {
        const answer = await ws.owner.call("GET", api("/sso/claim_mappings"));
        expectApiError(answer, { status: 503, code: 14, reason: "UNAVAILABLE" });
        expect(answer.headers.get("retry-after")).to.equal("2");
      }
      expect((await ws.owner.call("GET", api("/sso/claim_mappings"))).status).to.equal(200);
    });

    it("matches * to one path segment and a trailing ** to any rest, and only the given method", async () => {
      const rule = await ws.owner.createRule("email", "a", ownerRoleId);
      await addFault({ method: "PATCH", path: "/public/v1alpha/sso/claim_mappings/*", status: 500 });
      expect((await ws.owner.call("GET", api(`/sso/claim_mappings/${rule.id}`))).status).to.equal(200);
      expect((await ws.owner.call("PATCH", api(`/sso/claim_mappings/${rule.id}`), { json: {} })).status).to.equal(500);
      await addFault({ path: "/public/**", status: 429, retry_after: 1, times: 3 });
      expectApiError(await ws.owner.call("GET", api("/roles")), { status: 429, code: 8, reason: "RATE_LIMITED" });
      expect((await ws.owner.call("GET", api("/sso/claim_mappings"))).status).to.equal(429);
      expect((await ws.owner.call("DELETE", api(`/sso/claim_mappings/${rule.id}`))).status).to.equal(429);
      expect((await ws.owner.call("GET", api("/roles"))).status).to.equal(200);
    });

    it("delays a request by delay_ms", async () => {
      await addFault({ path: api("/roles"), delay_ms: 300 });
      await ws.owner.accessToken();
      const started = Date.now();
      expect((await ws.owner.call("GET", api("/roles"))).status).to.equal(200);
      expect(Date.now() - started).to.be.at.least(290);
    });

    it("drops the connection before serving: the write does not happen", async () => {
      await ws.owner.accessToken();
      await addFault({ method: "POST", path: api("/sso/claim_mappings"), drop: "before" });
      let failed = false;
      try {
        await ws.owner.call("POST", api("/sso/claim_mappings"), { json: createBody("lost") });
      } catch {
        failed = true;
      }
      expect(failed).to.equal(true);
      expect(await ws.owner.listRules()).to.deep.equal([]);
      const log = await requestLog();
      expect(log.find((entry) => entry.method === "POST" && entry.path === api("/sso/claim_mappings"))!.status).to.equal(0);
    });

    it("drops the connection after the write commits: the rule is there when listed afterwards", async () => {
      await ws.owner.accessToken();
      await addFault({ method: "POST", path: api("/sso/claim_mappings"), drop: "after" });
      let failed = false;
      try {
        await ws.owner.call("POST", api("/sso/claim_mappings"), { json: createBody("committed") });
      } catch {
        failed = true;
      }
      expect(failed).to.equal(true);
      const list = await ws.owner.listRules();
      expect(list.map((rule) => rule.claim_value)).to.deep.equal(["committed"]);
    });

    it("serves a stale read from the state before the last write, with that state's ETag", async () => {
      await ws.owner.createRule("email", "a", ownerRoleId);
      const before = await ws.owner.call("GET", api("/sso/claim_mappings"));
      await ws.owner.createRule("email", "b", ownerRoleId);
      await addFault({ method: "GET", path: api("/sso/claim_mappings"), stale_read: true });
      const stale = await ws.owner.call("GET", api("/sso/claim_mappings"));
      expect(stale.status).to.equal(200);
      expect(claimMappingListSchema.parse(stale.body).claim_mappings.map((rule) => rule.claim_value)).to.deep.equal(["a"]);
      expect(stale.headers.get("etag")).to.equal(before.headers.get("etag"));
      const fresh = await ws.owner.call("GET", api("/sso/claim_mappings"));
      expect(claimMappingListSchema.parse(fresh.body).claim_mappings.map((rule) => rule.claim_value)).to.deep.equal(["a", "b"]);
    });

    it("serves a stale provider read too", async () => {
      await ws.owner.call("PUT", api("/sso/provider"), { json: SAML_PROVIDER });
      await ws.owner.call("PUT", api("/sso/provider"), { json: { ...SAML_PROVIDER, issuer: "second" } });
      await addFault({ path: api("/sso/provider"), stale_read: true });
      expect((await ws.owner.call("GET", api("/sso/provider"))).body).to.have.property("issuer", SAML_PROVIDER.issuer);
      expect((await ws.owner.call("GET", api("/sso/provider"))).body).to.have.property("issuer", "second");
    });

    const badRules: [string, Record<string, unknown>, string][] = [
      ["a status below 400", { path: "/x", status: 200 }, "status"],
      ["a path that is not absolute", { path: "public/**" }, "path"],
      ["** before the end", { path: "/public/**/x" }, "path"],
      ["an unknown drop", { path: "/x", drop: "during" }, "drop"],
      ["an unknown field", { path: "/x", explode: true }, "explode"],
    ];
    for (const [what, rule, field] of badRules) {
      it(`answers 400 naming ${field} for ${what}`, async () => {
        expectApiError(await hook("POST", "/_local/faults", rule), { status: 400, code: 3, reason: "INVALID_ARGUMENT", field });
      });
    }

    it("are cleared by a reset", async () => {
      await addFault({ path: "/public/**", status: 500, times: 100 });
      await hook("POST", "/_local/reset");
      expect((await ws.owner.call("GET", api("/roles"))).status).to.equal(200);
    });
  });

  describe("reset?data=true", () => {
    it("wipes the workspace but keeps the Owner key", async () => {
      await ws.owner.createRule("email", "a", ownerRoleId);
      await ws.owner.call("PUT", api("/sso/provider"), { json: SAML_PROVIDER });
      await hook("POST", "/_local/roles", { name: "Auditor", scope_names: ["user.write"] });
      const auditor = await callerWithRole(ws.workspace.url, "Auditor");
      expect((await auditor.call("GET", api("/roles"))).status).to.equal(200);
      const tagBefore = (await ws.owner.call("GET", api("/sso/claim_mappings"))).headers.get("etag");

      const reset = await hook("POST", "/_local/reset?data=true");
      expect(reset.status).to.equal(200);

      const list = await ws.owner.call("GET", api("/sso/claim_mappings"));
      expect(claimMappingListSchema.parse(list.body).claim_mappings).to.deep.equal([]);
      expect(list.headers.get("etag")).not.to.equal(tagBefore);
      expect((await ws.owner.call("GET", api("/sso/provider"))).status).to.equal(404);
      expect((await ws.owner.call("GET", api("/sso/settings"))).body).to.deep.equal({ sso_only: false });
      expect((await ws.owner.roles()).map((role) => role.name)).not.to.include("Auditor");
      expectApiError(await auditor.call("GET", api("/roles")), { status: 401, code: 16, reason: "UNAUTHENTICATED" });
    });

    it("answers 400 naming data for data=maybe", async () => {
      expectApiError(await hook("POST", "/_local/reset?data=maybe"), { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "data" });
    });
  });
});
