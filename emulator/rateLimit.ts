/**
 * [local] The per-API-key request ceiling: at most `limitPerSecond` requests in any one-second
 * window (a sliding window, so bursts at a second's boundary are limited too). Refused requests do
 * not count. Token calls are not limited.
 */

/** The answer to "may this key make a request now?". */
export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

const WINDOW_MS = 1000;

/** Per-API-key admission against the sliding one-second window. */
export class RateLimiter {
  private readonly recent = new Map<string, number[]>();

  /** `null` lifts the limit (benchmarks). */
  constructor(readonly limitPerSecond: number | null) {}

  admit(clientId: string, now: number): Admission {
    if (this.limitPerSecond === null) return { admitted: true };
    const stamps = (this.recent.get(clientId) ?? []).filter((stamp) => stamp > now - WINDOW_MS);
    if (stamps.length >= this.limitPerSecond) {
      this.recent.set(clientId, stamps);
      return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((stamps[0]! + WINDOW_MS - now) / 1000)) };
    }
    stamps.push(now);
    this.recent.set(clientId, stamps);
    return { admitted: true };
  }

  reset(): void {
    this.recent.clear();
  }
}
