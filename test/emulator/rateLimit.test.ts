import { expect } from "chai";
import { api, callerWithRole, expectApiError, startTestWorkspace, type TestWorkspace } from "./workspaceHarness";

describe("the per-API-key rate limit", () => {
  let ws: TestWorkspace;
  beforeEach(async () => {
    ws = await startTestWorkspace({ rateLimitPerSecond: 50 });
  });
  afterEach(async () => ws.stop());

  it("admits 50 requests a second per key and answers the rest 429 with Retry-After", async () => {
    await ws.owner.accessToken();
    const answers = await Promise.all(Array.from({ length: 60 }, () => ws.owner.call("GET", api("/sso/claim_mappings"))));
    const refused = answers.filter((answer) => answer.status === 429);
    expect(answers.filter((answer) => answer.status === 200)).to.have.length(50);
    expect(refused).to.have.length(10);
    for (const answer of refused) {
      expectApiError(answer, { status: 429, code: 8, reason: "RATE_LIMITED" });
      expect(answer.headers.get("retry-after")).to.match(/^[1-9]\d*$/);
    }
  });

  it("counts each key on its own, and does not count token calls", async () => {
    const other = await callerWithRole(ws.workspace.url, "Owner");
    await ws.owner.accessToken();
    await Promise.all(Array.from({ length: 50 }, () => ws.owner.call("GET", api("/roles"))));
    expect((await ws.owner.call("GET", api("/roles"))).status).to.equal(429);
    expect((await other.call("GET", api("/roles"))).status).to.equal(200);
  });

  it("admits the key again once Retry-After has passed", async () => {
    await ws.owner.accessToken();
    await Promise.all(Array.from({ length: 50 }, () => ws.owner.call("GET", api("/roles"))));
    const refused = await ws.owner.call("GET", api("/roles"));
    expect(refused.status).to.equal(429);
    await new Promise((resolve) => setTimeout(resolve, Number(refused.headers.get("retry-after")) * 1000));
    expect((await ws.owner.call("GET", api("/roles"))).status).to.equal(200);
  });
});
