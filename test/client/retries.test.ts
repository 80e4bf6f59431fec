import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { TorqApiError, TorqNetworkError, TorqNotFoundError, TorqRateLimitedError } from "../../provider/client/errors";
import { DEFAULT_RETRY_POLICY } from "../../provider/client/retryPolicy";
import { expectRejection, LocalWorkspace, routes, SleepRecorder } from "./localWorkspace";

/** The statuses the workspace logged for `method path`, oldest first (0: a dropped connection). */
async function statusesOf(ws: LocalWorkspace, method: string, path: string): Promise<number[]> {
  return (await ws.requestsTo(method, path)).map((entry) => entry.status);
}

/** Each recorded backoff wait lies within full jitter's ceiling for its attempt. */
function expectBackoffWithinCeilings(waits: readonly number[]): void {
  waits.forEach((wait, attempt) => {
    expect(wait, `wait before retry ${attempt + 1}`).to.be.within(0, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** attempt);
  });
}

describe("client: retries", () => {
  let ws: LocalWorkspace;
  let recorder: SleepRecorder;
  beforeEach(async () => {
    ws = await LocalWorkspace.start();
    recorder = new SleepRecorder();
  });
  afterEach(async () => ws.close());

  describe("503 Service Unavailable", () => {
    it("succeeds after exactly four requests when the first three answer 503", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      await ws.addFault({ method: "GET", path: routes.claimMappings, status: 503, times: 3 });
      const list = await client.listClaimMappings();
      expect(list.items).to.deep.equal([]);
      expect(await statusesOf(ws, "GET", routes.claimMappings)).to.deep.equal([503, 503, 503, 200]);
      expect(recorder.waits).to.have.length(3);
      expectBackoffWithinCeilings(recorder.waits);
    });

    it("fails after exactly five attempts (maxRetries 4) with TorqApiError status 503", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      await ws.addFault({ method: "GET", path: routes.claimMappings, status: 503, times: 10 });
      const err = await expectRejection(client.listClaimMappings(), TorqApiError);
      expect(err.status).to.equal(503);
      expect(err.code).to.equal("UNAVAILABLE");
      expect(err.message).to.equal(`GET ${ws.url}${routes.claimMappings}?page_size=100 failed (503): injected fault: HTTP 503`);
      expect(await statusesOf(ws, "GET", routes.claimMappings)).to.deep.equal([503, 503, 503, 503, 503]);
      expect(recorder.waits).to.have.length(4);
      expectBackoffWithinCeilings(recorder.waits);
    });

    it("doubles the backoff ceiling per attempt: with random() pinned to 1 the waits are 250, 500, 1000, 2000 ms", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      await ws.addFault({ method: "GET", path: routes.roles, status: 503, times: 10 });
      const random = Math.random;
      Math.random = () => 1;
      try {
        await expectRejection(client.listRoles(), TorqApiError);
      } finally {
        Math.random = random;
      }
      expect(recorder.waits).to.deep.equal([250, 500, 1000, 2000]);
    });

    it("uses retry.baseDelayMs and retry.maxDelayMs", async () => {
      const client = ws.client({ sleep: recorder.sleep, retry: { baseDelayMs: 100, maxDelayMs: 300 } });
      await ws.addFault({ method: "GET", path: routes.roles, status: 503, times: 10 });
      const random = Math.random;
      Math.random = () => 1;
      try {
        await expectRejection(client.listRoles(), TorqApiError);
      } finally {
        Math.random = random;
      }
      expect(recorder.waits).to.deep.equal([100, 200, 300, 300]);
    });

    it("honours retry.maxRetries", async () => {
      const client = ws.client({ sleep: recorder.sleep, retry: { maxRetries: 1 } });
      await ws.addFault({ method: "GET", path: routes.roles, status: 503, times: 10 });
      await expectRejection(client.listRoles(), TorqApiError);
      expect(await statusesOf(ws, "GET", routes.roles)).to.deep.equal([503, 503]);
    });

    it("is not retried on a create without an Idempotency-Key: it may have been applied", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      const ownerRoleId = (await client.listRoles()).find((role) => role.name === "Owner")!.id;
      await ws.addFault({ method: "POST", path: routes.claimMappings, status: 503, times: 3 });
      const err = await expectRejection(client.createClaimMapping({ claim_name: "email", claim_value: "a@x.io", role_id: ownerRoleId }), TorqApiError);
      expect(err.status).to.equal(503);
      expect(await statusesOf(ws, "POST", routes.claimMappings)).to.deep.equal([503]);
    });

    it("is retried on a create with an Idempotency-Key", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      const ownerRoleId = (await client.listRoles()).find((role) => role.name === "Owner")!.id;
      await ws.addFault({ method: "POST", path: routes.claimMappings, status: 503, times: 2 });
      await client.createClaimMapping({ claim_name: "email", claim_value: "a@x.io", role_id: ownerRoleId }, { idempotencyKey: "create-a" });
      expect(await statusesOf(ws, "POST", routes.claimMappings)).to.deep.equal([503, 503, 200]);
      expect((await client.listClaimMappings()).items).to.have.length(1);
    });
  });

  describe("429 Too Many Requests", () => {
    it("waits the Retry-After (1 s, on the real clock) and then succeeds", async () => {
      const client = ws.client({ sleep: undefined });
      await client.listRoles();
      await ws.addFault({ method: "GET", path: routes.roles, status: 429, retry_after: 1 });
      const started = performance.now();
      await client.listRoles();
      const elapsed = performance.now() - started;
      expect(elapsed).to.be.at.least(990).and.below(2500);
      expect(await statusesOf(ws, "GET", routes.roles)).to.deep.equal([200, 429, 200]);
    });

    it("asks its sleep for exactly the Retry-After, not a backoff", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      await ws.addFault({ method: "GET", path: routes.roles, status: 429, retry_after: 7, times: 2 });
      await client.listRoles();
      expect(recorder.waits).to.deep.equal([7000, 7000]);
      expect(await statusesOf(ws, "GET", routes.roles)).to.deep.equal([429, 429, 200]);
    });

    it("fails at once with TorqRateLimitedError when Retry-After is above 60 s", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      await ws.addFault({ method: "GET", path: routes.roles, status: 429, retry_after: 61, times: 5 });
      const started = performance.now();
      const err = await expectRejection(client.listRoles(), TorqRateLimitedError);
      expect(performance.now() - started).to.be.below(1000);
      expect({ status: err.status, code: err.code, retryAfterSeconds: err.retryAfterSeconds }).to.deep.equal({ status: 429, code: "RATE_LIMITED", retryAfterSeconds: 61 });
      expect(err.message).to.equal(`GET ${ws.url}${routes.roles}?page_size=100: rate limited (429; it asks to wait 61 s): injected fault: HTTP 429`);
      expect(recorder.waits).to.deep.equal([]);
      expect(await statusesOf(ws, "GET", routes.roles)).to.deep.equal([429]);
    });

    it("is retried even on a create without a key: a 429 was never applied", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      const ownerRoleId = (await client.listRoles()).find((role) => role.name === "Owner")!.id;
      await ws.addFault({ method: "POST", path: routes.claimMappings, status: 429, retry_after: 1 });
      await client.createClaimMapping({ claim_name: "email", claim_value: "a@x.io", role_id: ownerRoleId });
      expect(await statusesOf(ws, "POST", routes.claimMappings)).to.deep.equal([429, 200]);
      expect(recorder.waits).to.deep.equal([1000]);
    });
  });

  describe("lost connections", () => {
    it("retries a GET whose connection was dropped before an answer, and succeeds", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      await ws.addFault({ method: "GET", path: routes.claimMappings, drop: "before" });
      expect((await client.listClaimMappings()).items).to.deep.equal([]);
      expect(await statusesOf(ws, "GET", routes.claimMappings)).to.deep.equal([0, 200]);
      expect(recorder.waits).to.have.length(1);
      expectBackoffWithinCeilings(recorder.waits);
    });

    it("gives up after five attempts with TorqNetworkError code NETWORK", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      await ws.addFault({ method: "GET", path: routes.roles, drop: "before", times: 10 });
      const err = await expectRejection(client.listRoles(), TorqNetworkError);
      expect(err.code).to.equal("NETWORK");
      expect(err.status).to.equal(undefined);
      expect(err.message).to.match(/^GET http:\/\/127\.0\.0\.1:\d+\/public\/v1alpha\/roles\?page_size=100: could not reach the workspace API \(ECONNRESET\) after 5 attempt\(s\); check torq:apiUrl \(TORQ_API_URL\) and that the workspace is reachable$/);
      expect(await statusesOf(ws, "GET", routes.roles)).to.deep.equal([0, 0, 0, 0, 0]);
      expect(recorder.waits).to.have.length(4);
    });

    it("retries when nothing listens on the port (ECONNREFUSED), then fails with TorqNetworkError", async () => {
      const url = ws.url;
      await ws.close();
      const client = ws.client({ sleep: recorder.sleep, apiUrl: url, authUrl: url });
      const err = await expectRejection(client.listRoles(), TorqNetworkError);
      expect(err.message).to.include("could not reach the workspace API (ECONNREFUSED) after 5 attempt(s)");
      expect(recorder.waits).to.have.length(4);
      ws = await LocalWorkspace.start();
    });
  });

  describe("timeouts", () => {
    it("retries a GET slower than timeoutMs, then fails with TorqNetworkError code TIMEOUT", async () => {
      const client = ws.client({ sleep: recorder.sleep, timeoutMs: 100 });
      await client.listRoles();
      await ws.addFault({ method: "GET", path: routes.roles, delay_ms: 300, times: 10 });
      const err = await expectRejection(client.listRoles(), TorqNetworkError);
      expect(err.code).to.equal("TIMEOUT");
      expect(err.message).to.equal(`GET ${ws.url}${routes.roles}?page_size=100: timed out after 5 attempt(s); check torq:apiUrl (TORQ_API_URL) and that the workspace is reachable`);
      expect(recorder.waits).to.have.length(4);
      // The workspace logs a delayed request once it has served it.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await ws.requestsTo("GET", routes.roles)).to.have.length(1 + 5);
    });

    it("succeeds once the workspace answers within timeoutMs again", async () => {
      const client = ws.client({ sleep: recorder.sleep, timeoutMs: 100 });
      await client.listRoles();
      await ws.addFault({ method: "GET", path: routes.roles, delay_ms: 300, times: 2 });
      expect(await client.listRoles()).to.have.length(6);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await ws.requestsTo("GET", routes.roles)).to.have.length(1 + 3);
    });
  });

  describe("answers that are not retried", () => {
    it("sends a 400 exactly once and reports the field", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      const err = await expectRejection(
        client.createClaimMapping({ claim_name: "email", claim_value: "a@x.io", role_id: randomUUID() }, { idempotencyKey: "k-400" }),
        TorqApiError,
      );
      expect(err.status).to.equal(400);
      expect(err.code).to.equal("INVALID_ARGUMENT");
      expect(err.field).to.equal("role_id");
      expect(await statusesOf(ws, "POST", routes.claimMappings)).to.deep.equal([400]);
      expect(recorder.waits).to.deep.equal([]);
    });

    it("sends a 404 exactly once", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      const id = randomUUID();
      await expectRejection(client.getClaimMapping(id), TorqNotFoundError);
      expect(await statusesOf(ws, "GET", routes.claimMapping(id))).to.deep.equal([404]);
      expect(recorder.waits).to.deep.equal([]);
    });

    it("sends a 500 exactly once (only 429, 502, 503 and 504 are worth another try)", async () => {
      const client = ws.client({ sleep: recorder.sleep });
      await ws.addFault({ method: "GET", path: routes.roles, status: 500, times: 5 });
      const err = await expectRejection(client.listRoles(), TorqApiError);
      expect(err.status).to.equal(500);
      expect(await statusesOf(ws, "GET", routes.roles)).to.deep.equal([500]);
    });
  });
});
