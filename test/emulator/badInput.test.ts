import { expect } from "chai";
import { MAX_BODY_BYTES } from "../../provider/schemas/api";
import { api, expectApiError, send, startTestWorkspace, type TestWorkspace } from "./workspaceHarness";

describe("bad input never gives a 500", () => {
  let ws: TestWorkspace;
  let bearer: string;
  beforeEach(async () => {
    ws = await startTestWorkspace();
    bearer = await ws.owner.accessToken();
  });
  afterEach(async () => ws.stop());

  const post = (raw: string, headers: Record<string, string>) =>
    send(ws.workspace.url + api("/sso/claim_mappings"), "POST", { raw, headers, bearer });

  it("answers 400 naming body for malformed JSON, without echoing it", async () => {
    const answer = await post('{"claim_name": "email", "claim_value": "hunter2-secret', { "content-type": "application/json" });
    expectApiError(answer, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "body" });
    expect(answer.text).not.to.contain("hunter2");
  });

  it("answers 400 naming body for an empty body and for JSON null", async () => {
    expectApiError(await post("", { "content-type": "application/json" }), { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "body" });
    const noBody = await send(ws.workspace.url + api("/sso/claim_mappings"), "POST", { bearer });
    expectApiError(noBody, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "body" });
    expectApiError(await post("null", { "content-type": "application/json" }), { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "body" });
  });

  it("answers 415 naming Content-Type for a body that is not declared JSON", async () => {
    const json = JSON.stringify({ claim_name: "email", claim_value: "a", role_id: "x" });
    // With no Content-Type header, fetch declares a string body text/plain.
    const variants: Record<string, string>[] = [{ "content-type": "text/plain" }, { "content-type": "application/x-www-form-urlencoded" }, {}];
    for (const headers of variants) {
      expectApiError(await post(json, headers), { status: 415, code: 3, reason: "INVALID_ARGUMENT", field: "Content-Type" });
    }
  });

  it("accepts application/json with a charset parameter", async () => {
    const roleId = await ws.owner.roleId("Owner");
    const answer = await post(JSON.stringify({ claim_name: "email", claim_value: "a", role_id: roleId }), {
      "content-type": "application/json; charset=utf-8",
    });
    expect(answer.status).to.equal(200);
  });

  it(`answers 413 (code 3) naming body for a body over ${MAX_BODY_BYTES} bytes`, async () => {
    const big = JSON.stringify({ claim_name: "email", claim_value: "x".repeat(MAX_BODY_BYTES), role_id: "x" });
    expectApiError(await post(big, { "content-type": "application/json" }), { status: 413, code: 3, reason: "INVALID_ARGUMENT", field: "body" });
    expect((await ws.owner.call("GET", api("/roles"))).status).to.equal(200);
  });

  it("answers 404 to unknown routes, with or without a token", async () => {
    for (const path of ["/", "/public/v1alpha", api("/sso"), api("/sso/claim_mappings/a/b"), "/v1/auth", api("/roles/")]) {
      expectApiError(await send(ws.workspace.url + path, "GET", { bearer }), { status: 404, code: 5, reason: "NOT_FOUND" });
      expectApiError(await send(ws.workspace.url + path, "GET"), { status: 404, code: 5, reason: "NOT_FOUND" });
    }
  });

  it("answers 405 with Allow to a method a known path does not serve", async () => {
    const cases: [string, string, string][] = [
      ["PUT", api("/sso/claim_mappings"), "GET, POST"],
      ["DELETE", api("/sso/claim_mappings"), "GET, POST"],
      ["POST", api("/sso/claim_mappings/x"), "GET, PATCH, DELETE"],
      ["POST", api("/roles"), "GET"],
      ["DELETE", api("/sso/settings"), "GET, PUT"],
    ];
    for (const [method, path, allow] of cases) {
      const answer = await send(ws.workspace.url + path, method, { bearer });
      expectApiError(answer, { status: 405, code: 12, reason: "UNIMPLEMENTED" });
      expect(answer.headers.get("allow")).to.equal(allow);
    }
  });

  it("lists every problem of a body in one answer, naming the first field", async () => {
    const answer = await post(JSON.stringify({ claim_name: 1, claim_value: 2, colour: "red" }), { "content-type": "application/json" });
    const message = expectApiError(answer, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "claim_name" });
    expect(message).to.contain("claim_name").and.to.contain("claim_value").and.to.contain("role_id").and.to.contain("colour");
  });

  it("survives a burst of garbage and still serves", async () => {
    const bodies = ["{", "[]", "1", '"x"', "{}", '{"claim_name":{}}', "\u0000", "{".repeat(10000)];
    const answers = await Promise.all(bodies.map((raw) => post(raw, { "content-type": "application/json" })));
    for (const answer of answers) expect(answer.status).to.equal(400);
    expect((await ws.owner.call("GET", api("/sso/claim_mappings"))).status).to.equal(200);
  });
});
