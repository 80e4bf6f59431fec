import { expect } from "chai";
import { SlidingWindowRateLimiter } from "../../provider/client/rateLimiter";

/** A clock that only moves when the limiter sleeps or the test says so. */
function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; advance: (ms: number) => void } {
  let time = 0;
  return {
    now: () => time,
    sleep: async (ms) => {
      time += ms;
    },
    advance: (ms) => {
      time += ms;
    },
  };
}

describe("client: sliding-window rate limiter", () => {
  it("lets the first perSecond requests start at once and the next only a second after the oldest finished", async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowRateLimiter(3, clock.now, clock.sleep);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, async () => {
        const release = await limiter.acquire();
        starts.push(clock.now());
        release();
      }),
    );
    expect(starts).to.deep.equal([0, 0, 0, 1001, 1001, 1001, 2002]);
  });

  it("holds a slot while its request is in flight, so a late arrival cannot crowd the server's window", async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowRateLimiter(1, clock.now, clock.sleep);
    const first = await limiter.acquire();
    let secondStarted: number | undefined;
    const second = limiter.acquire().then((release) => {
      secondStarted = clock.now();
      release();
    });
    // The first request is slow: 5 s after it started it is still in flight and the second waits.
    clock.advance(5000);
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(secondStarted).to.equal(undefined);
    first();
    await second;
    expect(secondStarted).to.equal(6001);
  });

  it("never starts more than perSecond requests in any one-second window", async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowRateLimiter(50, clock.now, clock.sleep);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 500 }, async () => {
        const release = await limiter.acquire();
        starts.push(clock.now());
        release();
      }),
    );
    for (const start of starts) expect(starts.filter((other) => other >= start && other < start + 1000).length).to.be.at.most(50);
    expect(starts[starts.length - 1]).to.equal(9 * 1001);
  });

  it("ignores a second release of the same slot", async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowRateLimiter(1, clock.now, clock.sleep);
    const release = await limiter.acquire();
    release();
    release();
    await limiter.acquire();
    expect(clock.now()).to.equal(1001);
  });
});
