import { expect } from "chai";
import { startWorkspace } from "../../emulator";
import { ApiCaller, SAML_PROVIDER, api, expectApiError, send, startTestWorkspace, type TestWorkspace } from "./workspaceHarness";

describe("torqCompatible: the [local] extensions switched off", () => {
  let ws: TestWorkspace;
  let ownerRoleId: string;
  beforeEach(async () => {
    ws = await startTestWorkspace({ torqCompatible: true });
    ownerRoleId = await ws.owner.roleId("Owner");
  });
  afterEach(async () => ws.stop());

  it("sends no ETag and ignores a stale If-Match", async () => {
    const rule = await ws.owner.createRule("email", "a", ownerRoleId);
    for (const path of [api("/sso/claim_mappings"), api(`/sso/claim_mappings/${rule.id}`)]) {
      expect((await ws.owner.call("GET", path)).headers.get("etag")).to.equal(null);
    }
    const patched = await ws.owner.call("PATCH", api(`/sso/claim_mappings/${rule.id}`), {
      json: { claim_value: "b" },
      headers: { "if-match": '"stale"' },
    });
    expect(patched.status).to.equal(200);
    expect(patched.headers.get("etag")).to.equal(null);
  });

  it("ignores Idempotency-Key: a retried POST creates a second rule", async () => {
    const json = { claim_name: "email", claim_value: "a", role_id: ownerRoleId };
    const headers = { "idempotency-key": "k" };
    await ws.owner.call("POST", api("/sso/claim_mappings"), { json, headers });
    await ws.owner.call("POST", api("/sso/claim_mappings"), { json, headers });
    expect(await ws.owner.listRules()).to.have.length(2);
  });

  it("answers 404 on the provider, endpoints and settings routes", async () => {
    for (const [method, path] of [
      ["GET", "/sso/provider"],
      ["PUT", "/sso/provider"],
      ["DELETE", "/sso/provider"],
      ["GET", "/sso/endpoints"],
      ["GET", "/sso/settings"],
      ["PUT", "/sso/settings"],
    ] as const) {
      const answer = await ws.owner.call(method, api(path), method === "PUT" ? { json: {} } : {});
      expectApiError(answer, { status: 404, code: 5, torqCompatible: true });
    }
  });

  it("keeps details empty in every error", async () => {
    expectApiError(await ws.owner.call("POST", api("/sso/claim_mappings"), { json: { claim_name: 1 } }), {
      status: 400,
      code: 3,
      torqCompatible: true,
    });
    expectApiError(await ws.owner.call("GET", api("/roles"), { anonymous: true }), { status: 401, code: 16, torqCompatible: true });
  });

  it("keeps DELETE and the test hooks", async () => {
    const rule = await ws.owner.createRule("email", "a", ownerRoleId);
    expect((await ws.owner.call("DELETE", api(`/sso/claim_mappings/${rule.id}`))).status).to.equal(200);
    expect((await send(ws.workspace.url + "/_local/requests", "GET")).status).to.equal(200);
  });

  it("does not guard against lockout, even over a file that has a provider", async () => {
    await ws.workspace.close();
    const local = await startWorkspace({ dataFile: ws.dataFile });
    const localOwner = new ApiCaller(local.url, local.ownerKey);
    expect((await localOwner.call("PUT", api("/sso/provider"), { json: SAML_PROVIDER })).status).to.equal(200);
    const owner = await localOwner.createRule("email", "boss@x.io", ownerRoleId);
    expect((await localOwner.call("DELETE", api(`/sso/claim_mappings/${owner.id}`))).status).to.equal(409);
    await local.close();

    const compatible = await startWorkspace({ dataFile: ws.dataFile, torqCompatible: true });
    try {
      const caller = new ApiCaller(compatible.url, compatible.ownerKey);
      expect((await caller.call("DELETE", api(`/sso/claim_mappings/${owner.id}?allow_lockout=whatever`))).status).to.equal(200);
    } finally {
      await compatible.close();
    }
  });
});
