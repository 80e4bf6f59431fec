/**
 * What the e2e suites ask the local workspace directly: an Owner client, the live rules, and the
 * test hooks (faults, request log, reset).
 */
import { expect } from "chai";
import { TorqClient } from "../../provider/client/client";
import { TOKEN_PATH } from "../../provider/client/paths";
import { requestLogSchema, type RequestLogEntry } from "../../emulator/testHookSchemas";
import type { ClaimRule } from "../../provider/schemas/claimMappings";
import type { Workspace } from "../../emulator";

export function clientFor(ws: Workspace): TorqClient {
  return new TorqClient({ apiUrl: ws.url, authUrl: ws.url, clientId: ws.ownerKey.client_id, clientSecret: ws.ownerKey.client_secret });
}

/** The workspace's rules in rank order, roles by name, with their ids (as the planner takes them). */
export async function liveRules(client: TorqClient): Promise<(ClaimRule & { id: string })[]> {
  const roles = new Map((await client.listRoles()).map((r) => [r.id, r.name]));
  return (await client.listClaimMappings()).items.map((m) => ({
    id: m.id,
    claimName: m.claim_name,
    claimValue: m.claim_value,
    role: roles.get(m.role_id) ?? `unknown role ${m.role_id}`,
  }));
}

/** Rules as `claim=value>Role` lines: what deep.equal compares and a failure shows readably. */
export function asText(rules: readonly ClaimRule[]): string[] {
  return rules.map((r) => `${r.claimName}=${r.claimValue}>${r.role}`);
}

export async function liveRulesText(client: TorqClient): Promise<string[]> {
  return asText(await liveRules(client));
}

/** Calls a `/_local/...` test hook and expects 200. */
export async function testHook(ws: Workspace, method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
  const answer = await fetch(`${ws.url}/_local/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  expect(answer.status, `${method} /_local/${path}`).to.equal(200);
  return answer.json();
}

export async function requestLog(ws: Workspace): Promise<RequestLogEntry[]> {
  return requestLogSchema.parse(await testHook(ws, "GET", "requests")).requests;
}

/** Clears the request log (and faults), keeping the workspace's data. */
export async function resetRequestLog(ws: Workspace): Promise<void> {
  await testHook(ws, "POST", "reset");
}

const WRITE_METHODS = new Set(["POST", "PATCH", "DELETE"]);

/** API writes only: the token endpoint's POST is not a change to the workspace. */
export function writesIn(log: readonly RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((r) => WRITE_METHODS.has(r.method) && r.path !== TOKEN_PATH);
}
