/**
 * Keeps a client at or under a number of requests in any one-second window *as the server counts
 * them*: each caller waits for a slot before sending and gives it back when the answer is in. Torq
 * documents 50 requests per second per API key.
 *
 * The server counts a request when it arrives, which can be well after the client sent it (a burst
 * of new connections on loopback already lags 100 ms and more). So a slot is held while the request
 * is in flight and for one second after it finished, not one second after it started: then no
 * one-second window of arrivals, however late they come in, holds more than `perSecond` requests.
 */
export class SlidingWindowRateLimiter {
  /** When the requests of the last second finished, oldest first. */
  private readonly finishes: number[] = [];
  private inFlight = 0;
  private releaseWaiters: (() => void)[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * Resolves when one more request may start, with the function to call (once) when its answer is
   * in or it failed. Calls are served in order.
   */
  acquire(): Promise<() => void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private async waitForSlot(): Promise<() => void> {
    for (;;) {
      const now = this.now();
      while (this.finishes.length > 0 && now - this.finishes[0]! >= 1000) this.finishes.shift();
      if (this.inFlight + this.finishes.length < this.perSecond) {
        this.inFlight++;
        return this.releaser();
      }
      if (this.finishes.length > 0) {
        // The oldest finish leaves the window first: a request still in flight finishes later.
        await this.sleep(1000 - (now - this.finishes[0]!) + 1);
      } else {
        // Every slot is held by a request in flight: wait until one finishes, then for its second.
        await new Promise<void>((resolve) => this.releaseWaiters.push(resolve));
      }
    }
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.finishes.push(this.now());
      const waiters = this.releaseWaiters;
      this.releaseWaiters = [];
      for (const wake of waiters) wake();
    };
  }
}
