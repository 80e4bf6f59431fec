/**
 * The workspace API client: client-credentials tokens, a per-key rate limit, retries with backoff,
 * pagination, typed errors, and every response parsed with zod. It knows nothing of Pulumi.
 */
import axios, { type AxiosInstance, type AxiosResponse, isAxiosError } from "axios";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  apiErrorBodySchema,
  claimMappingListSchema,
  claimMappingSchema,
  ERROR_INFO_TYPE,
  errorInfoSchema,
  MAX_PAGE_SIZE,
  putSsoProviderSchema,
  roleListSchema,
  ssoEndpointsSchema,
  ssoProviderSchema,
  ssoSettingsSchema,
  tokenResponseSchema,
  type ClaimMapping,
  type CreateClaimMapping,
  type PatchClaimMapping,
  type PutSsoProvider,
  type Role,
  type SsoEndpoints,
  type SsoProviderRecord,
  type SsoSettings,
} from "../schemas/api";
import {
  TorqApiError,
  TorqAuthError,
  TorqConflictError,
  TorqLockoutError,
  TorqMaybeCommittedError,
  TorqNetworkError,
  TorqNotFoundError,
  TorqRateLimitedError,
  TorqUnsupportedError,
  type TorqErrorCode,
} from "./errors";
import { refuseWriteWhenEngineGone } from "../engineWatch";
import { paths, TOKEN_PATH } from "./paths";
import { SlidingWindowRateLimiter } from "./rateLimiter";
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  RETRYABLE_NETWORK_CODES,
  RETRYABLE_STATUSES,
  type RetryPolicy,
} from "./retryPolicy";

export interface TorqClientOptions {
  /** API base URL without the `/public/v1alpha` path, e.g. `https://api.torq.io`. */
  apiUrl: string;
  /** Base URL of the token endpoint, e.g. `https://auth.torq.io`. */
  authUrl: string;
  clientId: string;
  clientSecret: string;
  /** Per-request timeout in ms. Default 30,000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Client-side ceiling on requests per second (token calls included). Default 50. */
  rateLimitPerSecond?: number;
  /** Renew the token this many seconds before it expires. Default 60. */
  tokenRenewalMarginSeconds?: number;
  /** How the client waits between retries (tests record the waits instead). Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  /** [local] the list's version after this call, when the server offers ETags. */
  etag: string | undefined;
}

export interface WriteOptions {
  /** [local] refuse the write (412) if the list changed since this version. */
  ifMatch?: string;
  /** [local] let a write through that the workspace's own lockout check would refuse. */
  allowLockout?: boolean;
}

export interface CreateOptions extends WriteOptions {
  /** [local] makes a retried create return the first result; only creates with a key are retried. */
  idempotencyKey?: string;
}

interface RequestOptions<S extends z.ZodType> {
  schema: S;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Whether a request whose answer was lost may be sent again. */
  retrySafe: boolean;
}

interface Token {
  value: string;
  expiresAt: number;
  /** When to fetch the next one: before `expiresAt` by the renewal margin. */
  renewAt: number;
}

const emptySchema = z.unknown();

export class TorqClient {
  private readonly http: AxiosInstance;
  private readonly policy: RetryPolicy;
  private readonly limiter: SlidingWindowRateLimiter;
  private readonly sleep: (ms: number) => Promise<void>;
  /** The most a token is renewed before its end; a short-lived token is renewed a tenth of its lifetime early. */
  private readonly renewalMarginMs: number;
  private token: Token | undefined;
  private tokenInFlight: Promise<Token> | undefined;
  private providerRoutes: boolean | undefined;

  constructor(private readonly options: TorqClientOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    // The ceiling waits on the real clock even when a test swaps `sleep`: a recorded wait would let
    // requests through at once.
    this.limiter = new SlidingWindowRateLimiter(options.rateLimitPerSecond ?? 50);
    this.renewalMarginMs = (options.tokenRenewalMarginSeconds ?? 60) * 1000;
    this.http = axios.create({
      // Only the http adapter: the bundles leave out what the others need (scripts/lib/esbuildAxios.mjs).
      adapter: "http",
      timeout: options.timeoutMs ?? 30_000,
      maxRedirects: 0,
      validateStatus: () => true,
      // Bodies are parsed by zod, not by axios, so a non-JSON answer is reported, not thrown.
      responseType: "text",
      transformResponse: (data: unknown) => data,
      headers: { "User-Agent": "pulumi-torq-sso" },
    });
  }

  // ---- Roles ---------------------------------------------------------------------------------

  async listRoles(): Promise<Role[]> {
    return (await this.listAll(paths.roles, "roles", roleListSchema)).items;
  }

  // ---- Claim mappings --------------------------------------------------------------------------

  /**
   * The whole list in rank order. When the server offers ETags and the list changes between pages,
   * it is read again (at most three times) so the answer is one consistent version.
   */
  async listClaimMappings(): Promise<{ items: ClaimMapping[]; etag: string | undefined }> {
    return this.listAll(paths.claimMappings, "claim_mappings", claimMappingListSchema);
  }

  async getClaimMapping(id: string): Promise<ApiResponse<ClaimMapping>> {
    return this.request("GET", paths.claimMapping(id), { schema: claimMappingSchema, retrySafe: true });
  }

  async createClaimMapping(body: CreateClaimMapping, options: CreateOptions = {}): Promise<ApiResponse<ClaimMapping>> {
    const headers: Record<string, string> = {};
    if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
    return this.request("POST", paths.claimMappings, {
      schema: claimMappingSchema,
      body,
      headers: { ...headers, ...writeHeaders(options) },
      query: writeQuery(options),
      retrySafe: options.idempotencyKey !== undefined,
    });
  }

  async updateClaimMapping(id: string, patch: PatchClaimMapping, options: WriteOptions = {}): Promise<ApiResponse<ClaimMapping>> {
    return this.request("PATCH", paths.claimMapping(id), {
      schema: claimMappingSchema,
      body: patch,
      headers: writeHeaders(options),
      query: writeQuery(options),
      retrySafe: true,
    });
  }

  async deleteClaimMapping(id: string, options: WriteOptions = {}): Promise<ApiResponse<unknown>> {
    return this.request("DELETE", paths.claimMapping(id), {
      schema: emptySchema,
      headers: writeHeaders(options),
      query: writeQuery(options),
      retrySafe: true,
    });
  }

  // ---- [local] SSO provider, endpoints, settings -------------------------------------------------

  /** Whether this server offers the [local] provider/endpoints/settings routes (Torq documents none). */
  async supportsProviderRoutes(): Promise<boolean> {
    if (this.providerRoutes === undefined) {
      try {
        await this.request("GET", paths.endpoints, { schema: ssoEndpointsSchema, retrySafe: true });
        this.providerRoutes = true;
      } catch (err) {
        if (err instanceof TorqNotFoundError) this.providerRoutes = false;
        else throw err;
      }
    }
    return this.providerRoutes;
  }

  private async requireProviderRoutes(method: string, path: string): Promise<void> {
    if (!(await this.supportsProviderRoutes())) {
      const url = this.apiUrl(path);
      throw new TorqUnsupportedError(
        `this workspace's API does not offer the SSO provider and settings routes (${method} ${url}); manage the SSO provider and SSO-only login in the Torq UI (Settings > Security > SSO)`,
        { code: "UNSUPPORTED", method, url, status: 404 },
      );
    }
  }

  async getSsoEndpoints(): Promise<SsoEndpoints> {
    await this.requireProviderRoutes("GET", paths.endpoints);
    return (await this.request("GET", paths.endpoints, { schema: ssoEndpointsSchema, retrySafe: true })).data;
  }

  /** The workspace's SSO provider, or undefined when it has none. */
  async getSsoProvider(): Promise<SsoProviderRecord | undefined> {
    await this.requireProviderRoutes("GET", paths.provider);
    try {
      return (await this.request("GET", paths.provider, { schema: ssoProviderSchema, retrySafe: true })).data;
    } catch (err) {
      if (err instanceof TorqNotFoundError) return undefined;
      throw err;
    }
  }

  /** Whether the workspace has an SSO provider; a server without the provider routes is asked nothing and answers `"unknown"`. */
  async hasSsoProvider(): Promise<boolean | "unknown"> {
    if (!(await this.supportsProviderRoutes())) return "unknown";
    return (await this.getSsoProvider()) !== undefined;
  }

  async putSsoProvider(body: PutSsoProvider, options: WriteOptions = {}): Promise<SsoProviderRecord> {
    await this.requireProviderRoutes("PUT", paths.provider);
    const parsed = putSsoProviderSchema.parse(body);
    return (
      await this.request("PUT", paths.provider, {
        schema: ssoProviderSchema,
        body: parsed,
        query: writeQuery(options),
        retrySafe: true,
      })
    ).data;
  }

  async deleteSsoProvider(options: WriteOptions = {}): Promise<void> {
    await this.requireProviderRoutes("DELETE", paths.provider);
    try {
      await this.request("DELETE", paths.provider, { schema: emptySchema, query: writeQuery(options), retrySafe: true });
    } catch (err) {
      if (!(err instanceof TorqNotFoundError)) throw err;
    }
  }

  async getSsoSettings(): Promise<SsoSettings> {
    await this.requireProviderRoutes("GET", paths.settings);
    return (await this.request("GET", paths.settings, { schema: ssoSettingsSchema, retrySafe: true })).data;
  }

  async putSsoSettings(body: SsoSettings, options: WriteOptions = {}): Promise<SsoSettings> {
    await this.requireProviderRoutes("PUT", paths.settings);
    return (
      await this.request("PUT", paths.settings, {
        schema: ssoSettingsSchema,
        body,
        query: writeQuery(options),
        retrySafe: true,
      })
    ).data;
  }

  // ---- Plumbing ---------------------------------------------------------------------------------

  /** A fresh key for one logical create; pass the same key to every retry of that create. */
  static newIdempotencyKey(): string {
    return randomUUID();
  }

  private apiUrl(path: string): string {
    return this.options.apiUrl.replace(/\/+$/, "") + path;
  }

  private async listAll<K extends string, S extends z.ZodType<{ next_page_token: string } & Record<K, unknown[]>>>(
    path: string,
    key: K,
    schema: S,
  ): Promise<{ items: z.output<S>[K]; etag: string | undefined }> {
    for (let attempt = 0; ; attempt++) {
      const items: unknown[] = [];
      let pageToken = "";
      let firstEtag: string | undefined;
      let lastEtag: string | undefined;
      let pages = 0;
      const seenTokens = new Set<string>();
      do {
        const page = await this.request("GET", path, {
          schema,
          query: { page_size: MAX_PAGE_SIZE, page_token: pageToken || undefined },
          retrySafe: true,
        });
        if (pages === 0) firstEtag = page.etag;
        lastEtag = page.etag;
        pages++;
        items.push(...page.data[key]);
        pageToken = page.data.next_page_token;
        // A server that hands out a token twice would keep the loop going forever.
        if (pageToken && seenTokens.has(pageToken)) {
          const url = this.apiUrl(path);
          throw new TorqApiError(`GET ${url}: unexpected answer (${page.status}): next_page_token: repeats an earlier page's token, so the list never ends`, {
            code: "BAD_RESPONSE",
            status: page.status,
            method: "GET",
            url,
            field: "next_page_token",
          });
        }
        seenTokens.add(pageToken);
      } while (pageToken);
      if (firstEtag === lastEtag || attempt >= 2) {
        return { items: items as z.output<S>[K], etag: firstEtag === lastEtag ? lastEtag : undefined };
      }
    }
  }

  /**
   * The token to send. `refused` is a token the workspace just turned down (302/401): it is renewed
   * once, however many requests in flight were turned down with it, and a request that met it after
   * someone else renewed it simply uses the new one.
   */
  private async bearerToken(refused?: string): Promise<string> {
    const current = this.token;
    if (current && current.value !== refused && current.renewAt > Date.now()) return current.value;
    if (current && current.value === refused) this.token = undefined;
    this.tokenInFlight ??= this.fetchToken()
      .then((token) => {
        this.token = token;
        return token;
      })
      .finally(() => {
        this.tokenInFlight = undefined;
      });
    return (await this.tokenInFlight).value;
  }

  private async fetchToken(): Promise<Token> {
    const url = this.options.authUrl.replace(/\/+$/, "") + TOKEN_PATH;
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString("base64");
    const response = await this.send("POST", url, {
      headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
      data: "grant_type=client_credentials",
      retrySafe: true,
    });
    if (response.status === 401 || response.status === 403) {
      throw new TorqAuthError(
        `the workspace refused the API key (POST ${url} answered ${response.status}): check torq:clientId and torq:clientSecret (or TORQ_CLIENT_ID / TORQ_CLIENT_SECRET)`,
        { code: "UNAUTHENTICATED", status: response.status, method: "POST", url },
      );
    }
    if (response.status !== 200) throw errorFromResponse("POST", url, response);
    const token = parseBody(tokenResponseSchema, "POST", url, response);
    const lifetimeMs = token.expires_in * 1000;
    // A fixed margin would renew a token that lives less than it before every request.
    const margin = Math.min(this.renewalMarginMs, lifetimeMs / 10);
    const now = Date.now();
    return { value: token.access_token, expiresAt: now + lifetimeMs, renewAt: now + lifetimeMs - margin };
  }

  private async request<S extends z.ZodType>(method: string, path: string, options: RequestOptions<S>): Promise<ApiResponse<z.output<S>>> {
    const url = this.apiUrl(path);
    let renewed = false;
    for (;;) {
      const token = await this.bearerToken();
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...options.headers };
      if (options.body !== undefined) headers["Content-Type"] = "application/json";
      const response = await this.send(method, url, {
        headers,
        params: options.query,
        data: options.body === undefined ? undefined : JSON.stringify(options.body),
        retrySafe: options.retrySafe,
      });
      // Torq answers 302 for an expired token and 401 for an invalid one: renew once and retry.
      if ((response.status === 302 || response.status === 401) && !renewed) {
        renewed = true;
        await this.bearerToken(token);
        continue;
      }
      if (response.status < 200 || response.status >= 300) throw errorFromResponse(method, displayUrl(url, options.query), response);
      // Only a call that expects nothing may get an empty answer; for the others it is a bad answer.
      const data = (options.schema as z.ZodType) === emptySchema ? (undefined as z.output<S>) : parseBody(options.schema, method, url, response);
      return { data, status: response.status, etag: headerValue(response, "etag") };
    }
  }

  /** One HTTP exchange with the rate limit, retries on 429/502/503/504 and on lost connections. */
  private async send(
    method: string,
    url: string,
    init: { headers: Record<string, string>; params?: Record<string, unknown> | undefined; data?: string | undefined; retrySafe: boolean },
  ): Promise<AxiosResponse<string>> {
    for (let attempt = 0; ; attempt++) {
      refuseWriteWhenEngineGone(method, url);
      const release = await this.limiter.acquire();
      let response: AxiosResponse<string>;
      try {
        response = await this.http.request<string>({ method, url, headers: init.headers, params: init.params, data: init.data });
      } catch (err) {
        release();
        const code = isAxiosError(err) ? err.code : undefined;
        const where = displayUrl(url, init.params);
        if (!init.retrySafe && method === "POST") {
          throw new TorqMaybeCommittedError(`${method} ${where}: the connection failed before an answer arrived (${code ?? "unknown error"}); the request may or may not have been applied`, {
            code: "NETWORK",
            method,
            url: where,
            cause: networkCause(err),
          });
        }
        if (code && RETRYABLE_NETWORK_CODES.has(code) && attempt < this.policy.maxRetries) {
          await this.sleep(backoffDelayMs(this.policy, attempt));
          continue;
        }
        const timeout = code === "ECONNABORTED" || code === "ETIMEDOUT";
        throw new TorqNetworkError(
          `${method} ${where}: ${timeout ? "timed out" : `could not reach the workspace API (${code ?? "unknown error"})`} after ${attempt + 1} attempt(s); check torq:apiUrl (TORQ_API_URL) and that the workspace is reachable`,
          { code: timeout ? "TIMEOUT" : "NETWORK", method, url: where, cause: networkCause(err) },
        );
      }
      release();
      if (RETRYABLE_STATUSES.has(response.status) && attempt < this.policy.maxRetries && (init.retrySafe || response.status === 429)) {
        const retryAfter = parseRetryAfter(headerValue(response, "retry-after"));
        if (retryAfter !== undefined && retryAfter > this.policy.maxRetryAfterSeconds) return response;
        const wait = retryAfter !== undefined ? retryAfter * 1000 : backoffDelayMs(this.policy, attempt);
        await this.sleep(wait);
        continue;
      }
      return response;
    }
  }
}

/**
 * What an error may keep of a failed exchange: an axios error holds the request's config (the
 * Authorization header, the body) and socket, which `util.inspect` and loggers print, so only its
 * code and message are kept.
 */
function networkCause(err: unknown): Error {
  const cause = new Error(err instanceof Error ? err.message : "unknown error");
  const code = isAxiosError(err) ? err.code : undefined;
  if (code !== undefined) Object.assign(cause, { code });
  return cause;
}

function writeHeaders(options: WriteOptions): Record<string, string> {
  return options.ifMatch ? { "If-Match": options.ifMatch } : {};
}

function writeQuery(options: WriteOptions): Record<string, string> | undefined {
  return options.allowLockout ? { allow_lockout: "true" } : undefined;
}

function headerValue(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return typeof value === "string" ? value : undefined;
}

function displayUrl(url: string, query: Record<string, unknown> | undefined): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && key !== "page_token") params.set(key, String(value));
  const text = params.toString();
  return text ? `${url}?${text}` : url;
}

function parseBody<S extends z.ZodType>(schema: S, method: string, url: string, response: AxiosResponse<string>): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(response.data);
  } catch {
    const what = response.data.trim() === "" ? "is empty" : "is not JSON";
    throw new TorqApiError(`${method} ${url}: the answer (${response.status}) ${what}`, { code: "BAD_RESPONSE", status: response.status, method, url });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? issue.path.join(".") : "body";
    throw new TorqApiError(`${method} ${url}: unexpected answer (${response.status}): ${where}: ${issue?.message ?? "invalid"}`, {
      code: "BAD_RESPONSE",
      status: response.status,
      method,
      url,
      field: where,
    });
  }
  return parsed.data;
}

const STATUS_CODES: Record<number, TorqErrorCode> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "CONFLICT",
  412: "PRECONDITION_FAILED",
  429: "RATE_LIMITED",
};

/** Maps an error answer to the typed error a caller can act on, with a sentence a user can act on. */
export function errorFromResponse(method: string, url: string, response: AxiosResponse<string>): TorqApiError {
  let serverMessage = "";
  let grpcCode: number | undefined;
  let reason: string | undefined;
  let field: string | undefined;
  try {
    const body = apiErrorBodySchema.safeParse(JSON.parse(response.data));
    if (body.success) {
      serverMessage = body.data.message;
      grpcCode = body.data.code;
      for (const detail of body.data.details) {
        const info = errorInfoSchema.safeParse(detail);
        if (info.success && info.data["@type"] === ERROR_INFO_TYPE) {
          reason = info.data.reason;
          field = info.data.metadata?.["field"];
        }
      }
    }
  } catch {
    // Not JSON: the status alone carries the meaning.
  }
  const status = response.status;
  const code: TorqErrorCode = (reason as TorqErrorCode | undefined) ?? STATUS_CODES[status] ?? (status >= 500 ? "UNAVAILABLE" : "INVALID_ARGUMENT");
  const retryAfterSeconds = parseRetryAfter(headerValue(response, "retry-after"));
  const init = { code, status, method, url, grpcCode, field, retryAfterSeconds };
  const said = serverMessage ? `: ${serverMessage}` : "";
  if (code === "LOCKOUT_PREVENTED") return new TorqLockoutError(`${method} ${url} was refused by the workspace to prevent a lockout${said}`, init);
  if (status === 404) return new TorqNotFoundError(`${method} ${url}: not found (404)${said}`, init);
  if (status === 409 || status === 412) return new TorqConflictError(`${method} ${url}: the workspace changed meanwhile (${status})${said}`, init);
  // Either every retry was spent or the wait asked for is longer than the client is willing to wait.
  const asked = retryAfterSeconds === undefined ? "" : `; it asks to wait ${retryAfterSeconds} s`;
  if (status === 429) return new TorqRateLimitedError(`${method} ${url}: rate limited (429${asked})${said}`, init);
  if (status === 401) return new TorqAuthError(`${method} ${url}: the API token was refused (401)${said}`, init);
  if (status === 403) {
    // The workspace's own message says what is missing and what to do: then it is said once, as given.
    const why = serverMessage || "the API key's role may not do this; give the API key a role with the user.write scope (Torq's Owner preset has it)";
    return new TorqAuthError(`${method} ${url} was refused (403): ${why}`, init);
  }
  if (status === 302) return new TorqAuthError(`${method} ${url}: the bearer token expired and renewing it did not help (302)${said}`, init);
  return new TorqApiError(`${method} ${url} failed (${status})${said}`, init);
}
