/**
 * What the client's tests stand on: a real local workspace over loopback (test hooks on) with
 * helpers to add faults, read and count the request log, make API keys and roles, and build a
 * `TorqClient` pointed at it. No HTTP layer is mocked.
 */
import { expect } from "chai";
import type { z } from "zod";
import { startWorkspace, type Workspace, type WorkspaceOptions } from "../../emulator";
import { TorqClient, type TorqClientOptions } from "../../provider/client/client";
import { TOKEN_PATH } from "../../provider/client/paths";
import { API_BASE_PATH, roleSchema, type Role } from "../../provider/schemas/api";
import { apiKeySchema, requestLogSchema, type ApiKey, type faultRuleSchema, type RequestLogEntry } from "../../emulator/testHookSchemas";

/** A fault rule as `POST /_local/faults` takes it (`times` defaults to 1). */
export type FaultRuleInput = z.input<typeof faultRuleSchema>;

/** The paths the tests count requests on. */
export const routes = {
  token: TOKEN_PATH,
  roles: `${API_BASE_PATH}/roles`,
  claimMappings: `${API_BASE_PATH}/sso/claim_mappings`,
  claimMapping: (id: string) => `${API_BASE_PATH}/sso/claim_mappings/${id}`,
  provider: `${API_BASE_PATH}/sso/provider`,
  endpoints: `${API_BASE_PATH}/sso/endpoints`,
} as const;

/** The waits a client asked for, recorded instead of slept. */
export class SleepRecorder {
  readonly waits: number[] = [];
  readonly sleep = async (ms: number): Promise<void> => {
    this.waits.push(ms);
  };
}

/** A running local workspace with its test hooks. */
export class LocalWorkspace {
  private constructor(readonly workspace: Workspace) {}

  /** Starts one on 127.0.0.1:0 in memory, test hooks on; other options as given. */
  static async start(options: WorkspaceOptions = {}): Promise<LocalWorkspace> {
    return new LocalWorkspace(await startWorkspace({ port: 0, testHooks: true, ...options }));
  }

  get url(): string {
    return this.workspace.url;
  }

  get ownerKey(): ApiKey {
    return this.workspace.ownerKey;
  }

  /**
   * A client for `key` (default: the Owner's). Unless the test says otherwise, retries record their
   * waits instead of sleeping, so a test of five attempts takes milliseconds.
   */
  client(options: Partial<TorqClientOptions> = {}, key: ApiKey = this.ownerKey): TorqClient {
    return new TorqClient({
      apiUrl: this.url,
      authUrl: this.url,
      clientId: key.client_id,
      clientSecret: key.client_secret,
      sleep: new SleepRecorder().sleep,
      ...options,
    });
  }

  /** Calls a `/_local` test hook and returns its parsed JSON answer; expects 200. */
  async hook(method: "GET" | "POST", path: string, json?: unknown): Promise<unknown> {
    const response = await fetch(this.url + path, {
      method,
      headers: json === undefined ? {} : { "content-type": "application/json" },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await response.text();
    expect(response.status, `${method} ${path}: ${text}`).to.equal(200);
    return JSON.parse(text) as unknown;
  }

  async addFault(rule: FaultRuleInput): Promise<void> {
    await this.hook("POST", "/_local/faults", rule);
  }

  /** Forgets the request log and the faults (and the server's rate-limit window). */
  async resetLog(): Promise<void> {
    await this.hook("POST", "/_local/reset");
  }

  async requests(): Promise<RequestLogEntry[]> {
    return requestLogSchema.parse(await this.hook("GET", "/_local/requests")).requests;
  }

  /** The logged requests of `method` on exactly `path`, oldest first. */
  async requestsTo(method: string, path: string): Promise<RequestLogEntry[]> {
    return (await this.requests()).filter((entry) => entry.method === method && entry.path === path);
  }

  /** The log as `METHOD path status` lines, for exact comparisons. */
  async requestLines(): Promise<string[]> {
    return (await this.requests()).map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
  }

  async newApiKey(role: string): Promise<ApiKey> {
    return apiKeySchema.parse(await this.hook("POST", "/_local/api_keys", { role }));
  }

  async addCustomRole(name: string, scopeNames: string[] = []): Promise<Role> {
    return roleSchema.parse(await this.hook("POST", "/_local/roles", { name, scope_names: scopeNames }));
  }

  async close(): Promise<void> {
    await this.workspace.close();
  }
}

/** Awaits `promise` expecting it to reject; returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  expect.fail("expected the call to fail, but it succeeded");
}

/** Awaits `promise` expecting it to reject with an instance of `type`; returns the error. */
export async function expectRejection<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const err = await rejectionOf(promise);
  expect(err, String(err)).to.be.instanceOf(type);
  return err as E;
}
