/**
 * What a route works with: the running workspace, the request, and (for API routes) the caller.
 */
import type { IncomingMessage } from "node:http";
import type { ApiKeyVerifier } from "../auth/apiKeyVerifier";
import type { FaultBook } from "../faults";
import { formatEntityTag, ifMatchAccepts } from "../http/entityTag";
import { preconditionFailed } from "../http/apiError";
import type { Reply } from "../http/reply";
import type { RateLimiter } from "../rateLimit";
import type { ClientSecretVault } from "../login/clientSecretVault";
import type { RequestLog } from "../requestLog";
import type { StaleReads } from "../staleReads";
import type { Principal } from "../store/apiKeys";
import type { WorkspaceDatabase } from "../store/database";
import type { WorkspaceView } from "../store/workspaceView";

/** A running workspace: its database, settings, and the state its test hooks drive. */
export interface WorkspaceRuntime {
  readonly db: WorkspaceDatabase;
  /** Checks API key secrets, remembering those this process has verified. */
  readonly apiKeys: ApiKeyVerifier;
  /** Seals and opens the OIDC client secret with the workspace key. */
  readonly vault: ClientSecretVault;
  /** The workspace's base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  readonly torqCompatible: boolean;
  readonly testHooks: boolean;
  readonly tokenTtlSeconds: number;
  readonly rateLimiter: RateLimiter;
  readonly faults: FaultBook;
  readonly requestLog: RequestLog;
  /** Present with test hooks only. */
  readonly staleReads: StaleReads | undefined;
}

/** One request, as a route sees it. */
export interface RequestContext {
  readonly runtime: WorkspaceRuntime;
  readonly req: IncomingMessage;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  /** Where GETs read from: the live database, or the state before the last write (stale-read fault). */
  readonly view: WorkspaceView;
  readonly now: number;
}

/** A request to the public API, made with a valid token whose role has `user.write`. */
export interface ApiRequestContext extends RequestContext {
  readonly principal: Principal;
}

/**
 * A route: `api` routes need a bearer token (and count toward the rate limit), `open` routes (the
 * token endpoint and the test hooks) do not.
 */
export type Route =
  | { readonly access: "api"; readonly handle: (ctx: ApiRequestContext) => Promise<Reply> }
  | { readonly access: "open"; readonly handle: (ctx: RequestContext) => Promise<Reply> };

/** An API route. */
export function apiRoute(handle: (ctx: ApiRequestContext) => Promise<Reply>): Route {
  return { access: "api", handle };
}

/** A route that needs no bearer token. */
export function openRoute(handle: (ctx: RequestContext) => Promise<Reply>): Route {
  return { access: "open", handle };
}

/** The `ETag` header for list version `version`; none in Torq-compatible mode. */
export function listVersionHeaders(ctx: RequestContext, version: number): Record<string, string> {
  return ctx.runtime.torqCompatible ? {} : { ETag: formatEntityTag(version) };
}

/** Throws 412 when the request's `If-Match` does not accept list version `version` (ignored in Torq-compatible mode). */
export function requireIfMatch(ctx: RequestContext, version: number): void {
  if (ctx.runtime.torqCompatible) return;
  if (!ifMatchAccepts(ctx.req.headers["if-match"], formatEntityTag(version))) {
    throw preconditionFailed(`If-Match does not match the claim-mapping list's current version ${formatEntityTag(version)}; read the list again`);
  }
}
