import { expect } from "chai";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from "../../provider/client/retryPolicy";

describe("client: retry policy", () => {
  describe("backoffDelayMs", () => {
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 250, maxDelayMs: 5_000 };
    const cases: { random: number; delays: number[] }[] = [
      // The ceiling doubles per attempt from baseDelayMs and stops at maxDelayMs.
      { random: 1, delays: [250, 500, 1000, 2000, 4000, 5000, 5000] },
      { random: 0.5, delays: [125, 250, 500, 1000, 2000, 2500, 2500] },
      { random: 0, delays: [0, 0, 0, 0, 0, 0, 0] },
      { random: 0.123, delays: [31, 62, 123, 246, 492, 615, 615] },
    ];
    for (const { random, delays } of cases) {
      it(`gives ${delays.join(", ")} ms for attempts 0..6 with random() = ${random}`, () => {
        expect(delays.map((_, attempt) => backoffDelayMs(policy, attempt, () => random))).to.deep.equal(delays);
      });
    }

    it("stays within [0, min(max, base * 2^attempt)] for any random draw", () => {
      for (let attempt = 0; attempt < 12; attempt++) {
        const ceiling = Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** attempt);
        for (let i = 0; i < 50; i++) expect(backoffDelayMs(DEFAULT_RETRY_POLICY, attempt)).to.be.within(0, ceiling);
      }
    });

    it("defaults to 4 retries from 250 ms, at most 30 s, honouring Retry-After up to 60 s", () => {
      expect(DEFAULT_RETRY_POLICY).to.deep.equal({ maxRetries: 4, baseDelayMs: 250, maxDelayMs: 30_000, maxRetryAfterSeconds: 60 });
    });
  });

  describe("parseRetryAfter", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const cases: [string | undefined, number | undefined][] = [
      [undefined, undefined],
      ["", undefined],
      ["   ", undefined],
      ["0", 0],
      ["1", 1],
      [" 61 ", 61],
      ["1.5", undefined],
      ["-1", undefined],
      ["2026-01-01T00:00:30Z", undefined],
      ["soon", undefined],
      ["Thu, 01 Jan 2026 00:00:30 GMT", 30],
      ["Thu, 01 Jan 2026 00:00:00 GMT", 0],
      ["Wed, 31 Dec 2025 23:59:00 GMT", 0],
    ];
    for (const [header, seconds] of cases) {
      it(`reads ${JSON.stringify(header)} as ${seconds}`, () => {
        expect(parseRetryAfter(header, now)).to.equal(seconds);
      });
    }
  });
});
