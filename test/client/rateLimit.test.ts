import { expect } from "chai";
import type { RequestLogEntry } from "../../emulator/testHookSchemas";
import { LocalWorkspace, routes } from "./localWorkspace";

/** The most requests whose log timestamps fall within any one-second window. */
function busiestSecond(entries: readonly RequestLogEntry[]): number {
  const times = entries.map((entry) => Date.parse(entry.at)).sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= 1000) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

describe("client: its own rate limit", () => {
  let ws: LocalWorkspace;
  afterEach(async () => ws.close());

  it("keeps 120 concurrent GETs (and the token call) at 50 in any second, so the workspace never answers 429", async function () {
    this.timeout(15_000);
    ws = await LocalWorkspace.start();
    const client = ws.client();

    const started = performance.now();
    await Promise.all(Array.from({ length: 120 }, () => client.listClaimMappings()));
    const elapsed = performance.now() - started;

    const log = await ws.requests();
    expect(log).to.have.length(121);
    expect(log.filter((entry) => entry.method === "POST" && entry.path === routes.token)).to.have.length(1);
    expect(log.filter((entry) => entry.status === 429)).to.deep.equal([]);
    expect(log.filter((entry) => entry.status === 200)).to.have.length(121);
    expect(busiestSecond(log)).to.be.at.most(50);
    // 121 requests at 50 a second: the 101st cannot start before two seconds have passed.
    expect(elapsed).to.be.at.least(2000);
  });

  it("honours a lower rateLimitPerSecond", async function () {
    this.timeout(15_000);
    ws = await LocalWorkspace.start();
    const client = ws.client({ rateLimitPerSecond: 5 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 10 }, () => client.listRoles()));
    expect(performance.now() - started).to.be.at.least(1000);
    const log = await ws.requests();
    expect(log).to.have.length(11);
    expect(busiestSecond(log)).to.be.at.most(5);
  });
});
