/**
 * Starting real local workspaces (real HTTP on 127.0.0.1, real SQLite files in a temp directory) and
 * calling them with `fetch`, for the emulator's tests.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { API_BASE_PATH, ERROR_INFO_TYPE, apiErrorBodySchema, claimMappingSchema, roleListSchema, tokenResponseSchema, type ClaimMapping, type Role } from "../../provider/schemas/api";
import { apiKeySchema, type ApiKey } from "../../emulator/testHookSchemas";
import { startWorkspace, type Workspace, type WorkspaceOptions } from "../../emulator";

/** A PEM certificate (self-signed, P-256, CN=idp.example.test, valid to 2036) for SAML providers. */
export const TEST_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBizCCATGgAwIBAgIUCuZw0ly9OwWj214OEpSMnGcjCnwwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQaWRwLmV4YW1wbGUudGVzdDAeFw0yNjExMzAwMzUxMDRaFw0z
NjExMjcwMzUxMDRaMBsxGTAXBgNVBAMMEGlkcC5leGFtcGxlLnRlc3QwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAARhn2jsXxoHyalDF72kEI4ZOtoFndDYOTjkyA1u
bB3D+5oCMaM2X3AwgyNJsaKLgyBSRA3/PEgl4nAqL8pUDqaeo1MwUTAdBgNVHQ4E
FgQUhRPM5duyFsyxqxsAWGJdhPiwArQwHwYDVR0jBBgwFoAUhRPM5duyFsyxqxsA
WGJdhPiwArQwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAxyss
bB6H2NrRPKZXT7gZrtKVAqXttbHUp8D54rVsRTACIHiexTH3kdzeKCEOL9G/OmNd
HZxaYsA3r2woRU/HCUpY
-----END CERTIFICATE-----`;

/** A valid SAML provider payload. */
export const SAML_PROVIDER = {
  protocol: "saml",
  identity_provider: "okta",
  sign_on_url: "https://idp.example.test/sso/saml",
  issuer: "http://www.okta.com/exk1",
  certificate: TEST_CERTIFICATE,
} as const;

/** The path of an API route. */
export function api(path: string): string {
  return API_BASE_PATH + path;
}

/** A temporary directory, removed by `removeTempDir`. */
export function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), "torq-workspace-test-"));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** An answer as the tests look at it. */
export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** Options of one call. */
export interface CallOptions {
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as is (with whatever Content-Type `headers` gives). */
  raw?: string;
  headers?: Record<string, string>;
  /** Leave out the bearer token. */
  anonymous?: boolean;
}

/** Sends one request with `fetch` (redirects not followed, so a 302 is seen as such). */
export async function send(url: string, method: string, options: CallOptions & { bearer?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] ??= "application/json";
  } else if (options.raw !== undefined) {
    body = options.raw;
  }
  if (options.bearer !== undefined) headers["authorization"] = `Bearer ${options.bearer}`;
  const response = await fetch(url, { method, headers, body, redirect: "manual" });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** POST /v1/auth/token with HTTP Basic credentials. */
export async function requestToken(baseUrl: string, key: ApiKey, form = "grant_type=client_credentials"): Promise<Answer> {
  const basic = Buffer.from(`${key.client_id}:${key.client_secret}`).toString("base64");
  return send(baseUrl + "/v1/auth/token", "POST", {
    raw: form,
    headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
  });
}

/** Calls the workspace API as one API key, fetching its token on first use. */
export class ApiCaller {
  private token: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly key: ApiKey,
  ) {}

  async accessToken(): Promise<string> {
    if (this.token === undefined) {
      const answer = await requestToken(this.baseUrl, this.key);
      expect(answer.status, answer.text).to.equal(200);
      this.token = tokenResponseSchema.parse(answer.body).access_token;
    }
    return this.token;
  }

  /** Calls `path` (e.g. `api("/roles")`, with any query) with the key's bearer token. */
  async call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const bearer = options.anonymous ? undefined : await this.accessToken();
    return send(this.baseUrl + path, method, { ...options, ...(bearer === undefined ? {} : { bearer }) });
  }

  async roles(): Promise<Role[]> {
    const answer = await this.call("GET", api("/roles?page_size=100"));
    expect(answer.status, answer.text).to.equal(200);
    return roleListSchema.parse(answer.body).roles;
  }

  async roleId(name: string): Promise<string> {
    const role = (await this.roles()).find((candidate) => candidate.name === name);
    if (role === undefined) throw new Error(`no role ${name}`);
    return role.id;
  }

  /** The whole claim-mapping list (following pages). */
  async listRules(): Promise<ClaimMapping[]> {
    const rules: ClaimMapping[] = [];
    let pageToken = "";
    do {
      const answer = await this.call("GET", api(`/sso/claim_mappings?page_size=100&page_token=${encodeURIComponent(pageToken)}`));
      expect(answer.status, answer.text).to.equal(200);
      const page = answer.body as { claim_mappings: unknown[]; next_page_token: string };
      rules.push(...page.claim_mappings.map((rule) => claimMappingSchema.parse(rule)));
      pageToken = page.next_page_token;
    } while (pageToken !== "");
    return rules;
  }

  /** Appends a rule; expects 200. */
  async createRule(claimName: string, claimValue: string, roleId: string, query = ""): Promise<ClaimMapping> {
    const answer = await this.call("POST", api(`/sso/claim_mappings${query}`), {
      json: { claim_name: claimName, claim_value: claimValue, role_id: roleId },
    });
    expect(answer.status, answer.text).to.equal(200);
    return claimMappingSchema.parse(answer.body);
  }
}

/** A workspace started for a test, over a SQLite file in its own temp directory. */
export interface TestWorkspace {
  workspace: Workspace;
  dir: string;
  dataFile: string;
  owner: ApiCaller;
  /** Closes the workspace and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts a workspace on 127.0.0.1:0 over a fresh SQLite file, with test hooks on and (unless the
 * test sets it) no rate limit, so tests that seed many rules are not slowed down by it.
 */
export async function startTestWorkspace(options: WorkspaceOptions = {}): Promise<TestWorkspace> {
  const dir = makeTempDir();
  const dataFile = join(dir, "workspace.db");
  const workspace = await startWorkspace({ testHooks: true, rateLimitPerSecond: null, dataFile, ...options });
  return {
    workspace,
    dir,
    dataFile,
    owner: new ApiCaller(workspace.url, workspace.ownerKey),
    stop: async () => {
      await workspace.close();
      removeTempDir(dir);
    },
  };
}

/** A new API key of `role` made through the test hook, and a caller using it. */
export async function callerWithRole(baseUrl: string, role: string): Promise<ApiCaller> {
  const answer = await send(baseUrl + "/_local/api_keys", "POST", { json: { role } });
  expect(answer.status, answer.text).to.equal(200);
  return new ApiCaller(baseUrl, apiKeySchema.parse(answer.body));
}

/** Asserts an error answer: status, gRPC code, and (unless Torq-compatible) the ErrorInfo reason and field. */
export function expectApiError(
  answer: Answer,
  expected: { status: number; code: number; reason?: string; field?: string; torqCompatible?: boolean },
): string {
  expect(answer.status, answer.text).to.equal(expected.status);
  const body = apiErrorBodySchema.parse(answer.body);
  expect(body.code).to.equal(expected.code);
  expect(body.message).to.be.a("string").and.not.equal("");
  if (expected.torqCompatible) {
    expect(body.details).to.deep.equal([]);
  } else {
    expect(body.details).to.deep.equal([
      {
        "@type": ERROR_INFO_TYPE,
        reason: expected.reason,
        metadata: expected.field === undefined ? {} : { field: expected.field },
      },
    ]);
  }
  return body.message;
}
