/**
 * The local Torq workspace: the workspace API of CONTRACT.md section 5 (Torq's documented routes and
 * this project's [local] extensions) over `node:http`, with its state in SQLite (`node:sqlite`).
 * `torq-sso workspace serve` runs it; tests and examples start it in-process.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RATE_LIMIT_PER_SECOND } from "../provider/schemas/api";
import { type ApiKey } from "./testHookSchemas";
import { ApiKeyVerifier } from "./auth/apiKeyVerifier";
import { loadWorkspaceKey, WORKSPACE_KEY_ENV } from "./auth/workspaceKey";
import { FaultBook } from "./faults";
import { ClientSecretVault } from "./login/clientSecretVault";
import { RateLimiter } from "./rateLimit";
import { RequestLog } from "./requestLog";
import type { WorkspaceRuntime } from "./routes/context";
import { buildWorkspaceRoutes } from "./routes/workspaceRoutes";
import { serveRequest } from "./serveRequest";
import { StaleReads } from "./staleReads";
import { ensureOwnerKey, readOwnerKey } from "./store/apiKeys";
import { WorkspaceDatabase } from "./store/database";

/** Fixed values of every local workspace, for tests and callers that check them. */
export { TOKEN_PATH, EXPIRED_TOKEN_MESSAGE } from "./auth/bearer";
export { LOCAL_AUDIENCE, LOGIN_HANDLER_PATH } from "./routes/ssoProvider";
export { OWNER_ROLE_ID, PRESET_ROLES, USER_WRITE_SCOPE } from "./store/presetRoles";
export { keyFileOf, WORKSPACE_KEY_ENV, WorkspaceKeyError } from "./auth/workspaceKey";

/** How to start a local workspace. */
export interface WorkspaceOptions {
  /** TCP port; default 0 (any free port). */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /**
   * SQLite file holding the workspace; default `:memory:` (gone when closed). Created mode 0600 (its
   * folder 0700 when made); its key is in `<dataFile>.key` (0600) unless `workspaceKey` is given.
   */
  dataFile?: string;
  /**
   * The workspace key, 64 hex digits; default the environment's TORQ_LOCAL_WORKSPACE_KEY, else the
   * key file beside the data file (made on first start), else for `:memory:` a key in memory.
   */
  workspaceKey?: string;
  /** Serve the `/_local/*` test hooks (API keys, roles, faults, request log, reset). Default false. */
  testHooks?: boolean;
  /** Switch the [local] extensions off, to behave as Torq documents its API. Default false. */
  torqCompatible?: boolean;
  /** Lifetime of issued bearer tokens; default 3600. */
  tokenTtlSeconds?: number;
  /** Requests per second per API key before 429; default 50 (Torq's); `null` lifts the limit. */
  rateLimitPerSecond?: number | null;
}

/** A running local workspace. */
export interface Workspace {
  /** Base URL, e.g. http://127.0.0.1:8080; the API is under `/public/v1alpha`, the token endpoint at `/v1/auth/token`. */
  readonly url: string;
  /** The Owner API key, created on first start; its secret is derived from the workspace key. */
  readonly ownerKey: ApiKey;
  /** Stops serving, cuts open connections, and closes the database. */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlFor(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Starts a workspace and resolves once it is listening. */
export async function startWorkspace(options: WorkspaceOptions = {}): Promise<Workspace> {
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds <= 0) throw new RangeError("tokenTtlSeconds must be a positive integer");
  const rateLimitPerSecond = options.rateLimitPerSecond === undefined ? RATE_LIMIT_PER_SECOND : options.rateLimitPerSecond;
  if (rateLimitPerSecond !== null && !(Number.isInteger(rateLimitPerSecond) && rateLimitPerSecond > 0)) {
    throw new RangeError("rateLimitPerSecond must be a positive integer or null");
  }
  const testHooks = options.testHooks ?? false;
  const torqCompatible = options.torqCompatible ?? false;

  const dataFile = options.dataFile ?? ":memory:";
  const db = new WorkspaceDatabase(dataFile);
  try {
    const key = loadWorkspaceKey({
      dataFile,
      key: options.workspaceKey ?? (process.env[WORKSPACE_KEY_ENV] || undefined),
      mayCreate: db.read(() => readOwnerKey(db)) === undefined,
    });
    const apiKeys = new ApiKeyVerifier();
    const ownerKey = ensureOwnerKey(db, key, apiKeys);
    const runtime: WorkspaceRuntime = {
      db,
      apiKeys,
      vault: new ClientSecretVault(key.clientSecretSealingKey()),
      url: "",
      torqCompatible,
      testHooks,
      tokenTtlSeconds,
      rateLimiter: new RateLimiter(rateLimitPerSecond),
      faults: new FaultBook(),
      requestLog: new RequestLog(),
      staleReads: testHooks ? new StaleReads(db) : undefined,
    };
    const routes = buildWorkspaceRoutes({ torqCompatible, testHooks });
    const server = createServer((req, res) => void serveRequest(runtime, routes, req, res));
    runtime.url = urlFor(await listen(server, options.port ?? 0, options.host ?? "127.0.0.1"));

    let closing: Promise<void> | undefined;
    return {
      url: runtime.url,
      ownerKey,
      close: () => {
        closing ??= new Promise<void>((resolve) => {
          server.close(() => {
            db.close();
            resolve();
          });
          server.closeAllConnections();
        });
        return closing;
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
