/**
 * One request through the workspace: injected faults, routing, authentication, rate limit and
 * scope, the route itself, and the answer (or, for a `drop` fault, no answer at all).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { FaultRule } from "./testHookSchemas";
import { authenticateBearer, requireUserWriteScope } from "./auth/bearer";
import { ApiError, injectedFault, internalError, invalidArgument, rateLimited } from "./http/apiError";
import { writeReply, type Reply } from "./http/reply";
import { ConnectionClosedError } from "./http/requestBody";
import type { RouteTable } from "./http/routeTable";
import type { Route, RequestContext, WorkspaceRuntime } from "./routes/context";
import { liveView, type WorkspaceView } from "./store/workspaceView";

const TEST_HOOK_PREFIX = "/_local/";

function parseTarget(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? "/", "http://workspace.invalid");
  } catch {
    return undefined;
  }
}

/** Runs the matched route: API routes authenticate, count toward the rate limit, and need `user.write`. */
async function dispatch(
  runtime: WorkspaceRuntime,
  routes: RouteTable<Route>,
  req: IncomingMessage,
  target: URL,
  view: WorkspaceView,
): Promise<Reply> {
  const { route, params } = routes.match(req.method ?? "GET", target.pathname);
  const now = Date.now();
  const ctx: RequestContext = { runtime, req, query: target.searchParams, params, view, now };
  if (route.access === "open") return route.handle(ctx);
  const principal = authenticateBearer(runtime.db, req, runtime.url, now);
  const admission = runtime.rateLimiter.admit(principal.clientId, now);
  if (!admission.admitted) throw rateLimited(admission.retryAfterSeconds, runtime.rateLimiter.limitPerSecond!);
  requireUserWriteScope(principal);
  return route.handle({ ...ctx, principal });
}

function errorReply(runtime: WorkspaceRuntime, err: unknown): Reply {
  let error: ApiError;
  if (err instanceof ApiError) {
    error = err;
  } else {
    // A bug: log it here (the answer never carries it, as it may hold request data).
    process.stderr.write(`workspace: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    error = internalError();
  }
  return { status: error.status, body: error.toBody(runtime.torqCompatible), headers: error.headers };
}

/** Serves `req` on `res`; never throws. */
export async function serveRequest(
  runtime: WorkspaceRuntime,
  routes: RouteTable<Route>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? "GET";
  const target = parseTarget(req);
  const path = target?.pathname ?? (req.url ?? "/").split("?")[0]!;
  // With test hooks on, every request but the hooks themselves is logged and may meet a fault.
  const observed = runtime.testHooks && !path.startsWith(TEST_HOOK_PREFIX);
  const fault: FaultRule | undefined = observed ? runtime.faults.take(method, path) : undefined;
  const log = (status: number) => {
    if (observed) runtime.requestLog.record(method, path, status);
  };
  const drop = () => {
    req.socket.destroy();
    log(0);
  };

  let reply: Reply;
  try {
    if (fault?.delay_ms !== undefined) await sleep(fault.delay_ms);
    if (fault?.drop === "before") return drop();
    if (fault?.status !== undefined) throw injectedFault(fault.status, fault.retry_after);
    const stale = fault?.stale_read === true && method === "GET" ? runtime.staleReads?.view() : undefined;
    if (target === undefined) throw invalidArgument("path", "the request target is not a valid path");
    reply = await dispatch(runtime, routes, req, target, stale ?? liveView(runtime.db));
  } catch (err) {
    if (err instanceof ConnectionClosedError || req.socket.destroyed) return log(0);
    reply = errorReply(runtime, err);
  }
  if (fault?.drop === "after") return drop();
  writeReply(res, reply);
  log(reply.status);
}
