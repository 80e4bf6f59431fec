/**
 * Throughput and latency of the local workspace over loopback: `GET /sso/claim_mappings` and a
 * rank-move PATCH against a list of 100 rules, with a few concurrent clients, for a fixed number of
 * requests (and at most TIME_CAP_MS per scenario). The rate limit is lifted.
 *
 *   node dist/bench/workspace.js [--clients N] [--requests N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { API_BASE_PATH, claimMappingSchema, roleListSchema, tokenResponseSchema } from "../provider/schemas/api";
import { startWorkspace, type Workspace } from "../emulator";
import { seededRandom } from "./seededRandom";

const RULES = 100;
const TIME_CAP_MS = 20_000;
const WARMUP_REQUESTS = 100;

/** What one scenario measured. */
interface Result {
  name: string;
  requests: number;
  clients: number;
  seconds: number;
  latenciesMs: number[];
  failures: number;
}

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0 || value > 100_000) {
    throw new Error(`--${name} must be an integer from 1 to 100000`);
  }
  return value;
}

async function bearerFor(workspace: Workspace): Promise<string> {
  const basic = Buffer.from(`${workspace.ownerKey.client_id}:${workspace.ownerKey.client_secret}`).toString("base64");
  const response = await fetch(`${workspace.url}/v1/auth/token`, {
    method: "POST",
    headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
  return tokenResponseSchema.parse(await response.json()).access_token;
}

/** Seeds RULES rules; returns their ids. */
async function seed(workspace: Workspace, headers: Record<string, string>): Promise<string[]> {
  const roles = roleListSchema.parse(await (await fetch(`${workspace.url}${API_BASE_PATH}/roles`, { headers })).json()).roles;
  const viewer = roles.find((role) => role.name === "Viewer")!.id;
  const ids: string[] = [];
  for (let i = 0; i < RULES; i++) {
    const response = await fetch(`${workspace.url}${API_BASE_PATH}/sso/claim_mappings`, {
      method: "POST",
      headers,
      body: JSON.stringify({ claim_name: "groups", claim_value: `group-${i}`, role_id: viewer }),
    });
    ids.push(claimMappingSchema.parse(await response.json()).id);
  }
  return ids;
}

/**
 * Runs `send` `requests` times from `clients` concurrent loops, after WARMUP_REQUESTS unmeasured
 * ones (so the JIT is warm); stops early past TIME_CAP_MS.
 */
async function measure(name: string, requests: number, clients: number, send: (i: number) => Promise<Response>): Promise<Result> {
  for (let i = 0; i < WARMUP_REQUESTS; i++) await (await send(i)).arrayBuffer();
  const latenciesMs: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  const deadline = started + TIME_CAP_MS;
  const client = async () => {
    while (next < requests && performance.now() < deadline) {
      const i = next++;
      const sent = performance.now();
      const response = await send(i);
      await response.arrayBuffer();
      latenciesMs.push(performance.now() - sent);
      if (response.status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { name, requests: latenciesMs.length, clients, seconds: (performance.now() - started) / 1000, latenciesMs, failures };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function table(results: readonly Result[]): string {
  const rows = [["scenario", "requests", "clients", "req/s", "p50 ms", "p99 ms", "non-200"]];
  for (const result of results) {
    const sorted = [...result.latenciesMs].sort((a, b) => a - b);
    rows.push([
      result.name,
      String(result.requests),
      String(result.clients),
      (result.requests / result.seconds).toFixed(0),
      percentile(sorted, 50).toFixed(2),
      percentile(sorted, 99).toFixed(2),
      String(result.failures),
    ]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")).join("\n");
}

/** The two scenarios against one workspace. */
async function benchWorkspace(label: string, dataFile: string | undefined, requests: number, clients: number): Promise<Result[]> {
  const workspace = await startWorkspace({ rateLimitPerSecond: null, ...(dataFile === undefined ? {} : { dataFile }) });
  try {
    const headers = { authorization: `Bearer ${await bearerFor(workspace)}`, "content-type": "application/json" };
    const ids = await seed(workspace, headers);
    const listUrl = `${workspace.url}${API_BASE_PATH}/sso/claim_mappings?page_size=100`;
    const list = await measure(`GET claim_mappings, ${RULES} rules (${label})`, requests, clients, () => fetch(listUrl, { headers }));
    const next = seededRandom(42);
    const move = await measure(`PATCH rank move (${label})`, requests, clients, () =>
      fetch(`${workspace.url}${API_BASE_PATH}/sso/claim_mappings/${ids[Math.floor(next() * RULES)]}`, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ rank: 1 + Math.floor(next() * RULES) }),
      }),
    );
    return [list, move];
  } finally {
    await workspace.close();
  }
}

async function main(): Promise<void> {
  const clients = flag("clients", 4);
  const requests = flag("requests", 2000);
  const dir = mkdtempSync(join(tmpdir(), "torq-workspace-bench-"));
  try {
    const results = [
      ...(await benchWorkspace(":memory:", undefined, requests, clients)),
      ...(await benchWorkspace("file, WAL, synchronous=FULL", join(dir, "bench.db"), Math.min(requests, 500), clients)),
    ];
    process.stdout.write(`local workspace over loopback, Node ${process.version}, ${RULES} rules seeded, rate limit lifted\n\n`);
    process.stdout.write(table(results) + "\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
