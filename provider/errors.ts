/**
 * Errors the provider reports to the user through the Pulumi engine. The dynamic-provider host prints
 * `${error}: ${error.stack}` for a failed check/diff/read/delete, so these carry no stack frames:
 * what the user sees is the one sentence, never a trace. The error that caused one (the API client's
 * typed error, say) is kept as `cause`, for code that branches on it; it is never printed.
 */
import { dropHostEcho, flushDiagnostics } from "./diagnostics";

/** The base of every error the provider raises on purpose; `code` is stable for callers and tests. */
export abstract class ProviderError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // No frames: the message is the whole story, and a trace would only bury it.
    this.stack = "";
  }
  override toString(): string {
    return `${this.name}: ${this.message}`;
  }
}

/** An input or setting the user must fix. */
export class ProviderInputError extends ProviderError {
  override readonly name: string = "ProviderInputError";
  readonly code: string = "INVALID_INPUT";
}

/** The lockout guard refused a plan. The message contains `lockout` and says how to proceed. */
export class LockoutRefusedError extends ProviderError {
  override readonly name: string = "LockoutRefusedError";
  readonly code: string = "LOCKOUT_REFUSED";
}

/** The workspace changed while we applied, and re-planning did not settle it. */
export class ConcurrentChangeError extends ProviderError {
  override readonly name: string = "ConcurrentChangeError";
  readonly code: string = "CONCURRENT_CHANGE";
}

/** A plan that cannot be simulated: an operation names a rule that is not in the list, or a rank outside it. */
export class InvalidPlanError extends ProviderError {
  override readonly name: string = "InvalidPlanError";
  readonly code: string = "INVALID_PLAN";
}

/** A client secret the program sealed under another API key than the provider's (see sealedSecret.ts). */
export class SealedSecretError extends ProviderError {
  override readonly name: string = "SealedSecretError";
  readonly code: string = "SEALED_SECRET_UNREADABLE";
}

/** Raised instead of sending a workspace write once the engine that ran this provider is gone (see engineWatch.ts). */
export class EngineGoneError extends ProviderError {
  override readonly name: string = "EngineGoneError";
  readonly code: string = "ENGINE_GONE";
}

/** Any other failure, re-worded for the user; what caused it is its `cause`. */
export class ProviderOperationError extends ProviderError {
  override readonly name: string = "ProviderOperationError";
  readonly code: string = "OPERATION_FAILED";
}

/** Turns anything thrown into an error without a stack trace, keeping its one-line message and the original as `cause`. */
export function userFacing(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderOperationError(message.split("\n")[0] ?? "unknown error", { cause: err });
}

/**
 * Runs one provider operation so that whatever it throws reaches the user as one sentence: the
 * dynamic-provider host prints `${error}: ${error.stack}` for a failed check, diff, read or delete.
 */
export async function oneLineErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    const error = userFacing(err);
    dropHostEcho(error);
    throw error;
  } finally {
    await flushDiagnostics();
  }
}
