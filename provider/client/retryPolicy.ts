/**
 * When and how long the client waits before trying a request again.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 4. */
  maxRetries: number;
  /** First backoff step in ms; doubles each retry, with full jitter. Default 250. */
  baseDelayMs: number;
  /** Upper bound of a computed backoff in ms. Default 30,000. */
  maxDelayMs: number;
  /** Largest `Retry-After` honoured, in seconds; a longer one fails at once. Default 60. */
  maxRetryAfterSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  maxRetryAfterSeconds: 60,
};

/** HTTP statuses worth another try: rate limited, or a gateway/server that is briefly away. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Socket-level failures worth another try. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

/** Exponential backoff with full jitter: a random wait in [0, min(max, base * 2^attempt)]. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/** Parses `Retry-After` (whole seconds, or an HTTP date) into seconds; undefined when absent or bad. */
export function parseRetryAfter(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // Every HTTP-date form starts with a day name; Date.parse would also take "1.5" or "-1" as a date
  // long past, which would mean "retry at once".
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
