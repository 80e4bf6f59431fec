/**
 * The one error type the local workspace answers with, and how it becomes Torq's error body
 * `{ code, message, details }`.
 */
import { ERROR_INFO_TYPE, type ApiErrorBody, type ErrorReason } from "../../provider/schemas/api";

/** The gRPC status numbers the workspace puts in `code`. */
export const GRPC_CODE = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/**
 * The reasons an ErrorInfo detail can carry: the shared ones, plus `UNIMPLEMENTED` for a known path
 * called with a method it does not serve (HTTP 405), which only the emulator produces.
 */
export type WorkspaceErrorReason = ErrorReason | "UNIMPLEMENTED";

/** A failed request, as the workspace reports it: HTTP status, gRPC code, reason and the field at fault. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: number,
    readonly reason: WorkspaceErrorReason,
    message: string,
    readonly field?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** Torq's error body; `torqCompatible` leaves `details` empty, as Torq documents it. */
  toBody(torqCompatible: boolean): ApiErrorBody {
    if (torqCompatible) return { code: this.code, message: this.message, details: [] };
    const metadata: Record<string, string> = this.field === undefined ? {} : { field: this.field };
    return {
      code: this.code,
      message: this.message,
      details: [{ "@type": ERROR_INFO_TYPE, reason: this.reason, metadata }],
    };
  }
}

/** 400: the request names a bad value; `field` is the JSON field, query parameter or header at fault. */
export function invalidArgument(field: string, message: string): ApiError {
  return new ApiError(400, GRPC_CODE.INVALID_ARGUMENT, "INVALID_ARGUMENT", message, field);
}

/** 404: no such route or no such object. */
export function notFound(message: string): ApiError {
  return new ApiError(404, GRPC_CODE.NOT_FOUND, "NOT_FOUND", message);
}

/** 401: no usable credentials. */
export function unauthenticated(message: string): ApiError {
  return new ApiError(401, GRPC_CODE.UNAUTHENTICATED, "UNAUTHENTICATED", message);
}

/** 403: the API key's role lacks the scope the call needs. */
export function permissionDenied(message: string): ApiError {
  return new ApiError(403, GRPC_CODE.PERMISSION_DENIED, "PERMISSION_DENIED", message);
}

/** 409: the request conflicts with what already exists (a role name, an idempotency key). */
export function conflict(field: string, message: string): ApiError {
  return new ApiError(409, GRPC_CODE.ALREADY_EXISTS, "CONFLICT", message, field);
}

/** 412: an `If-Match` that no longer matches the list's version. */
export function preconditionFailed(message: string): ApiError {
  return new ApiError(412, GRPC_CODE.FAILED_PRECONDITION, "PRECONDITION_FAILED", message, "If-Match");
}

/** 409 LOCKOUT_PREVENTED: the write would leave the workspace's owners unable to sign in. */
export function lockoutPrevented(message: string): ApiError {
  return new ApiError(409, GRPC_CODE.FAILED_PRECONDITION, "LOCKOUT_PREVENTED", message);
}

/** 429 with `Retry-After` in whole seconds. */
export function rateLimited(retryAfterSeconds: number, limitPerSecond: number): ApiError {
  return new ApiError(
    429,
    GRPC_CODE.RESOURCE_EXHAUSTED,
    "RATE_LIMITED",
    `rate limit exceeded: at most ${limitPerSecond} requests per second per API key; retry after ${retryAfterSeconds}s`,
    undefined,
    { "Retry-After": String(retryAfterSeconds) },
  );
}

/** 405 with `Allow`: the path exists, the method does not. */
export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): ApiError {
  return new ApiError(
    405,
    GRPC_CODE.UNIMPLEMENTED,
    "UNIMPLEMENTED",
    `method ${method} is not allowed on ${path}; allowed: ${allowed.join(", ")}`,
    undefined,
    { Allow: allowed.join(", ") },
  );
}

/** 503: the data file stayed locked by another writer for longer than the busy timeout. */
export function unavailable(message: string): ApiError {
  return new ApiError(503, GRPC_CODE.UNAVAILABLE, "UNAVAILABLE", message);
}

/** 500: a bug; the message never carries the cause, which may hold request data. */
export function internalError(): ApiError {
  return new ApiError(500, GRPC_CODE.INTERNAL, "INTERNAL", "internal error in the local workspace");
}

const REASON_BY_STATUS: Readonly<Record<number, { code: number; reason: WorkspaceErrorReason }>> = {
  400: { code: GRPC_CODE.INVALID_ARGUMENT, reason: "INVALID_ARGUMENT" },
  401: { code: GRPC_CODE.UNAUTHENTICATED, reason: "UNAUTHENTICATED" },
  403: { code: GRPC_CODE.PERMISSION_DENIED, reason: "PERMISSION_DENIED" },
  404: { code: GRPC_CODE.NOT_FOUND, reason: "NOT_FOUND" },
  405: { code: GRPC_CODE.UNIMPLEMENTED, reason: "UNIMPLEMENTED" },
  409: { code: GRPC_CODE.FAILED_PRECONDITION, reason: "CONFLICT" },
  412: { code: GRPC_CODE.FAILED_PRECONDITION, reason: "PRECONDITION_FAILED" },
  429: { code: GRPC_CODE.RESOURCE_EXHAUSTED, reason: "RATE_LIMITED" },
  500: { code: GRPC_CODE.INTERNAL, reason: "INTERNAL" },
  501: { code: GRPC_CODE.UNIMPLEMENTED, reason: "UNIMPLEMENTED" },
  502: { code: GRPC_CODE.UNAVAILABLE, reason: "UNAVAILABLE" },
  503: { code: GRPC_CODE.UNAVAILABLE, reason: "UNAVAILABLE" },
  504: { code: GRPC_CODE.DEADLINE_EXCEEDED, reason: "UNAVAILABLE" },
};

/** The error an injected fault answers with: the status's usual code and reason, and `Retry-After` if given. */
export function injectedFault(status: number, retryAfterSeconds: number | undefined): ApiError {
  const known = REASON_BY_STATUS[status] ?? (status >= 500 ? REASON_BY_STATUS[500]! : REASON_BY_STATUS[400]!);
  const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { "Retry-After": String(retryAfterSeconds) };
  return new ApiError(status, known.code, known.reason, `injected fault: HTTP ${status}`, undefined, headers);
}
