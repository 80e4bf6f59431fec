import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { tokenResponseSchema } from "../../provider/schemas/api";
import {
  ApiCaller,
  api,
  callerWithRole,
  expectApiError,
  requestToken,
  send,
  startTestWorkspace,
  type TestWorkspace,
} from "./workspaceHarness";

describe("workspace authentication", () => {
  let ws: TestWorkspace;
  beforeEach(async () => {
    ws = await startTestWorkspace();
  });
  afterEach(async () => ws.stop());

  describe("POST /v1/auth/token", () => {
    it("issues a bearer token for the Owner key's client credentials", async () => {
      const answer = await requestToken(ws.workspace.url, ws.workspace.ownerKey);
      expect(answer.status).to.equal(200);
      const token = tokenResponseSchema.parse(answer.body);
      expect(token.expires_in).to.equal(3600);
      expect(token.token_type).to.equal("Bearer");
      const roles = await send(ws.workspace.url + api("/roles"), "GET", { bearer: token.access_token });
      expect(roles.status).to.equal(200);
    });

    it("answers 401 for a wrong secret without echoing it", async () => {
      const wrong = { client_id: ws.workspace.ownerKey.client_id, client_secret: "not-the-secret-xyz" };
      const message = expectApiError(await requestToken(ws.workspace.url, wrong), { status: 401, code: 16, reason: "UNAUTHENTICATED" });
      expect(message).not.to.contain("not-the-secret-xyz");
    });

    it("answers 401 for an unknown client id", async () => {
      const unknown = { client_id: "00000000-0000-4000-8000-000000000000", client_secret: ws.workspace.ownerKey.client_secret };
      expectApiError(await requestToken(ws.workspace.url, unknown), { status: 401, code: 16, reason: "UNAUTHENTICATED" });
    });

    it("answers 401 without HTTP Basic credentials", async () => {
      const answer = await send(ws.workspace.url + "/v1/auth/token", "POST", {
        raw: "grant_type=client_credentials",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expectApiError(answer, { status: 401, code: 16, reason: "UNAUTHENTICATED" });
    });

    it("answers 400 naming grant_type for another grant type, and for none", async () => {
      expectApiError(await requestToken(ws.workspace.url, ws.workspace.ownerKey, "grant_type=password"), {
        status: 400,
        code: 3,
        reason: "INVALID_ARGUMENT",
        field: "grant_type",
      });
      expectApiError(await requestToken(ws.workspace.url, ws.workspace.ownerKey, ""), {
        status: 400,
        code: 3,
        reason: "INVALID_ARGUMENT",
        field: "grant_type",
      });
    });

    it("answers 415 naming Content-Type for a JSON body", async () => {
      const basic = Buffer.from(`${ws.workspace.ownerKey.client_id}:${ws.workspace.ownerKey.client_secret}`).toString("base64");
      const answer = await send(ws.workspace.url + "/v1/auth/token", "POST", {
        json: { grant_type: "client_credentials" },
        headers: { authorization: `Basic ${basic}` },
      });
      expectApiError(answer, { status: 415, code: 3, reason: "INVALID_ARGUMENT", field: "Content-Type" });
    });

    it("answers 405 for GET", async () => {
      const answer = await send(ws.workspace.url + "/v1/auth/token", "GET");
      expectApiError(answer, { status: 405, code: 12, reason: "UNIMPLEMENTED" });
      expect(answer.headers.get("allow")).to.equal("POST");
    });
  });

  describe("bearer tokens on API calls", () => {
    it("answers 401 without a token", async () => {
      const answer = await ws.owner.call("GET", api("/roles"), { anonymous: true });
      expectApiError(answer, { status: 401, code: 16, reason: "UNAUTHENTICATED" });
    });

    it("answers 401 for an invalid token", async () => {
      const answer = await send(ws.workspace.url + api("/sso/claim_mappings"), "GET", { bearer: "forged-token" });
      expectApiError(answer, { status: 401, code: 16, reason: "UNAUTHENTICATED" });
    });

    it("answers 302 with Location and Torq's message for an expired token", async () => {
      const shortLived = await startTestWorkspace({ tokenTtlSeconds: 1 });
      try {
        const token = await shortLived.owner.accessToken();
        expect((await send(shortLived.workspace.url + api("/roles"), "GET", { bearer: token })).status).to.equal(200);
        await sleep(1100);
        const answer = await send(shortLived.workspace.url + api("/roles"), "GET", { bearer: token });
        const message = expectApiError(answer, { status: 302, code: 16, reason: "UNAUTHENTICATED" });
        expect(message).to.equal("You need to generate a new bearer token");
        expect(answer.headers.get("location")).to.equal(shortLived.workspace.url + "/v1/auth/token");
        const renewed = new ApiCaller(shortLived.workspace.url, shortLived.workspace.ownerKey);
        expect((await renewed.call("GET", api("/roles"))).status).to.equal(200);
      } finally {
        await shortLived.stop();
      }
    });
  });

  describe("the user.write scope", () => {
    for (const role of ["Viewer", "Contributor", "Creator", "Operator", "Interact Only"]) {
      it(`answers 403 to a ${role} key on every API route`, async () => {
        const caller = await callerWithRole(ws.workspace.url, role);
        const rule = await ws.owner.createRule("email", "a@x.io", await ws.owner.roleId("Owner"));
        const calls: [string, string, unknown?][] = [
          ["GET", api("/roles")],
          ["GET", api("/sso/claim_mappings")],
          ["POST", api("/sso/claim_mappings"), { claim_name: "email", claim_value: "b@x.io", role_id: rule.role_id }],
          ["GET", api(`/sso/claim_mappings/${rule.id}`)],
          ["PATCH", api(`/sso/claim_mappings/${rule.id}`), { rank: 1 }],
          ["DELETE", api(`/sso/claim_mappings/${rule.id}`)],
          ["GET", api("/sso/provider")],
          ["GET", api("/sso/endpoints")],
          ["GET", api("/sso/settings")],
        ];
        for (const [method, path, json] of calls) {
          const answer = await caller.call(method, path, json === undefined ? {} : { json });
          expectApiError(answer, { status: 403, code: 7, reason: "PERMISSION_DENIED" });
        }
        expect(await ws.owner.listRules()).to.deep.equal([rule]);
      });
    }

    it("lets a key of a custom role that has user.write through", async () => {
      const created = await send(ws.workspace.url + "/_local/roles", "POST", { json: { name: "SSO Admin", scope_names: ["user.write"] } });
      expect(created.status).to.equal(200);
      const caller = await callerWithRole(ws.workspace.url, "SSO Admin");
      expect((await caller.call("GET", api("/sso/claim_mappings"))).status).to.equal(200);
    });
  });
});
