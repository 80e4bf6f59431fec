/**
 * Errors raised by the workspace API client. Each carries a stable `code`, the HTTP `status`, the
 * request `method` and `url` (never a token, a secret or a request body), and the underlying
 * `cause`. Callers branch on the subclass or on `code`.
 */
import type { ErrorReason } from "../schemas/api";

export type TorqErrorCode =
  | ErrorReason
  | "NETWORK"
  | "TIMEOUT"
  | "BAD_RESPONSE"
  | "UNSUPPORTED"
  | "CONFIGURATION";

export interface TorqApiErrorInit {
  code: TorqErrorCode;
  status?: number;
  method: string;
  url: string;
  grpcCode?: number;
  field?: string;
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** The base of every error the client raises. */
export class TorqApiError extends Error {
  override readonly name: string = "TorqApiError";
  readonly code: TorqErrorCode;
  readonly status: number | undefined;
  readonly method: string;
  readonly url: string;
  readonly grpcCode: number | undefined;
  readonly field: string | undefined;
  /** The wait a 429 or 503 asked for (`Retry-After`), in seconds, when it gave one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, init: TorqApiErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.grpcCode = init.grpcCode;
    this.field = init.field;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** 404: the thing asked for does not exist (on read: drift; on delete: already done). */
export class TorqNotFoundError extends TorqApiError {
  override readonly name: string = "TorqNotFoundError";
}

/** 409/412: the workspace changed under us, or the write conflicts with its state. */
export class TorqConflictError extends TorqApiError {
  override readonly name: string = "TorqConflictError";
}

/** 409 LOCKOUT_PREVENTED: the workspace refused a write that would lock the owners out. */
export class TorqLockoutError extends TorqApiError {
  override readonly name: string = "TorqLockoutError";
}

/** 429 after every retry. */
export class TorqRateLimitedError extends TorqApiError {
  override readonly name: string = "TorqRateLimitedError";
}

/** 401/403: the API key is wrong, or its role lacks `user.write`. */
export class TorqAuthError extends TorqApiError {
  override readonly name: string = "TorqAuthError";
}

/** The route does not exist on this server (e.g. Torq's own API has no SSO provider route). */
export class TorqUnsupportedError extends TorqApiError {
  override readonly name: string = "TorqUnsupportedError";
}

/** The server could not be reached, dropped the connection, or timed out, after every retry. */
export class TorqNetworkError extends TorqApiError {
  override readonly name: string = "TorqNetworkError";
}

/** A create whose answer was lost: it may or may not have been committed, so it must not be sent blind again. */
export class TorqMaybeCommittedError extends TorqNetworkError {
  override readonly name: string = "TorqMaybeCommittedError";
}
