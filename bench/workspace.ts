/**
 * The local workspace's rate against a bare node:http server, with the same client in the same run:
 * a claim-mapping list page (page_size=100) and a rank-move PATCH, at 100 and 1,000 rules, over an
 * in-memory workspace and a file (WAL, synchronous=FULL). The workspace has an SSO provider and an
 * owner e-mail rule on top, so every move runs the lockout guard; moves stay below the owner rule,
 * so every answer is a 200. The bare server answers each request with the bytes of a real answer
 * (captured from the workspace), so the ratio measures the workspace's own work, not the size of
 * what it sends.
 *
 * Each run measures every scenario bare, then workspace, alternating; the table shows medians over
 * the runs. Goal (issue 11): ratio >= 1/5 at 1,000 rules, and the ratio at 100 rules at most 1.5x
 * the ratio at 1,000. The rate limit is lifted.
 *
 *   node dist/bench/workspace.js [--runs N] [--requests N] [--clients N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { API_BASE_PATH, claimMappingSchema, roleListSchema, tokenResponseSchema } from "../provider/schemas/api";
import { startWorkspace, type Workspace } from "../emulator";
import { seededRandom } from "./seededRandom";
import { TEST_CERTIFICATE } from "../test/emulator/workspaceHarness";

const RULE_COUNTS = [100, 1000] as const;
const TIME_CAP_MS = 20_000;
const WARMUP_REQUESTS = 100;
const GOAL_RATIO = 1 / 5;
const GOAL_SCALING = 1.5;

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0 || value > 100_000) throw new Error(`--${name} must be an integer from 1 to 100000`);
  return value;
}

/** One request of a scenario, the i-th. */
type Send = (i: number) => Promise<Response>;

/** Requests per second from `clients` concurrent loops, after WARMUP_REQUESTS unmeasured ones. */
async function rateOf(requests: number, clients: number, send: Send): Promise<{ rate: number; failures: number }> {
  for (let i = 0; i < WARMUP_REQUESTS; i++) await (await send(i)).arrayBuffer();
  let next = 0;
  let done = 0;
  let failures = 0;
  const started = performance.now();
  const deadline = started + TIME_CAP_MS;
  const client = async () => {
    while (next < requests && performance.now() < deadline) {
      const response = await send(next++);
      await response.arrayBuffer();
      if (response.status !== 200) failures++;
      done++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { rate: done / ((performance.now() - started) / 1000), failures };
}

/** A bare node:http server that answers every request, after reading its body, with `body`. */
async function bareServer(body: string): Promise<{ url: string; server: Server }> {
  const bytes = Buffer.from(body, "utf8");
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length });
      res.end(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
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

/** What one scenario sends, to the workspace or to the bare server at `baseUrl`. */
interface Scenario {
  name: string;
  rules: number;
  storage: string;
  /** The requests, sent to `baseUrl`: the workspace's URL or the bare server's. */
  send(baseUrl: string): Send;
  workspaceUrl: string;
  /** A real answer of the workspace, which the bare server sends back. */
  answer: string;
}

/** A workspace seeded with an SSO provider and `rules` rules, the first an owner e-mail rule. */
async function seededWorkspace(rules: number, dataFile: string | undefined): Promise<{ workspace: Workspace; headers: Record<string, string>; ids: string[] }> {
  const workspace = await startWorkspace({ rateLimitPerSecond: null, ...(dataFile === undefined ? {} : { dataFile }) });
  const headers = { authorization: `Bearer ${await bearerFor(workspace)}`, "content-type": "application/json" };
  const roles = roleListSchema.parse(await (await fetch(`${workspace.url}${API_BASE_PATH}/roles`, { headers })).json()).roles;
  const roleId = (name: string) => roles.find((role) => role.name === name)!.id;
  const ids: string[] = [];
  for (let i = 0; i < rules; i++) {
    const rule =
      i === 0
        ? { claim_name: "email", claim_value: "owner@example.com", role_id: roleId("Owner") }
        : i % 2 === 0
          ? { claim_name: "email", claim_value: `user-${i}@example.com`, role_id: roleId("Viewer") }
          : { claim_name: "groups", claim_value: `group-${i}`, role_id: roleId("Operator") };
    const response = await fetch(`${workspace.url}${API_BASE_PATH}/sso/claim_mappings`, { method: "POST", headers, body: JSON.stringify(rule) });
    ids.push(claimMappingSchema.parse(await response.json()).id);
  }
  const provider = { protocol: "saml", sign_on_url: "https://idp.example.test/sso", issuer: "https://idp.example.test", certificate: TEST_CERTIFICATE };
  const put = await fetch(`${workspace.url}${API_BASE_PATH}/sso/provider`, { method: "PUT", headers, body: JSON.stringify(provider) });
  if (put.status !== 200) throw new Error(`PUT /sso/provider answered ${put.status}`);
  return { workspace, headers, ids };
}

/** The list-page and rank-move scenarios over one seeded workspace. */
async function scenariosOf(rules: number, storage: string, dataFile: string | undefined): Promise<{ scenarios: Scenario[]; close: () => Promise<void> }> {
  const { workspace, headers, ids } = await seededWorkspace(rules, dataFile);
  const listPath = `${API_BASE_PATH}/sso/claim_mappings?page_size=100`;
  const moved = ids.slice(1); // never the owner rule, never to rank 1: every move is allowed
  const next = seededRandom(42);
  const movePath = () => `${API_BASE_PATH}/sso/claim_mappings/${moved[Math.floor(next() * moved.length)]}`;
  const moveBody = () => JSON.stringify({ rank: 2 + Math.floor(next() * (rules - 1)) });
  const sampleList = await (await fetch(workspace.url + listPath, { headers })).text();
  const sampleMove = await (await fetch(workspace.url + movePath(), { method: "PATCH", headers, body: moveBody() })).text();
  return {
    scenarios: [
      {
        name: "GET list page (100 rules)",
        rules,
        storage,
        workspaceUrl: workspace.url,
        answer: sampleList,
        send: (base) => () => fetch(base + listPath, { headers }),
      },
      {
        name: "PATCH rank move",
        rules,
        storage,
        workspaceUrl: workspace.url,
        answer: sampleMove,
        send: (base) => () => fetch(base + movePath(), { method: "PATCH", headers, body: moveBody() }),
      },
    ],
    close: () => workspace.close(),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Figures {
  scenario: Scenario;
  bare: number[];
  workspace: number[];
  ratios: number[];
  failures: number;
}

function formatTable(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")).join("\n");
}

function report(figures: readonly Figures[]): string {
  const rows = [["scenario", "storage", "rules", "bare req/s", "workspace req/s", "ratio", "as 1/x", "non-200"]];
  for (const f of figures) {
    const ratio = median(f.ratios);
    rows.push([
      f.scenario.name,
      f.scenario.storage,
      String(f.scenario.rules),
      median(f.bare).toFixed(0),
      median(f.workspace).toFixed(0),
      ratio.toFixed(3),
      `1/${(1 / ratio).toFixed(1)}`,
      String(f.failures),
    ]);
  }
  const lines = [formatTable(rows), ""];
  const scaling = [["scenario", "storage", "ratio at 100 / ratio at 1000", "goal", "ratio at 1000 >= 1/5"]];
  for (const f of figures.filter((candidate) => candidate.scenario.rules === RULE_COUNTS[1])) {
    const small = figures.find((candidate) => candidate.scenario.name === f.scenario.name && candidate.scenario.storage === f.scenario.storage && candidate.scenario.rules === RULE_COUNTS[0])!;
    const factor = median(small.ratios) / median(f.ratios);
    scaling.push([f.scenario.name, f.scenario.storage, factor.toFixed(2), factor <= GOAL_SCALING ? "met (<= 1.5)" : "MISSED (> 1.5)", median(f.ratios) >= GOAL_RATIO ? "met" : "MISSED"]);
  }
  lines.push(formatTable(scaling));
  return lines.join("\n");
}

async function main(): Promise<void> {
  const runs = flag("runs", 5);
  const requests = flag("requests", 2000);
  const clients = flag("clients", 4);
  const loadBefore = loadavg();
  const dir = mkdtempSync(join(tmpdir(), "torq-workspace-bench-"));
  const closers: (() => Promise<void>)[] = [];
  try {
    const scenarios: Scenario[] = [];
    for (const rules of RULE_COUNTS) {
      for (const [storage, dataFile] of [[":memory:", undefined], ["file", join(dir, `bench-${rules}.db`)]] as const) {
        const made = await scenariosOf(rules, storage, dataFile);
        closers.push(made.close);
        scenarios.push(...made.scenarios);
      }
    }
    const figures: Figures[] = scenarios.map((scenario) => ({ scenario, bare: [], workspace: [], ratios: [], failures: 0 }));
    for (let run = 0; run < runs; run++) {
      for (const f of figures) {
        const bare = await bareServer(f.scenario.answer);
        try {
          const bareRate = (await rateOf(requests, clients, f.scenario.send(bare.url))).rate;
          const measured = await rateOf(requests, clients, f.scenario.send(f.scenario.workspaceUrl));
          f.bare.push(bareRate);
          f.workspace.push(measured.rate);
          f.ratios.push(measured.rate / bareRate);
          f.failures += measured.failures;
        } finally {
          bare.server.close();
        }
      }
    }
    const loadAfter = loadavg();
    process.stdout.write(
      [
        `local workspace vs a bare node:http server answering the same bytes, same client (fetch, ${clients} concurrent loops), Node ${process.version}`,
        `medians of ${runs} alternating runs (bare, then workspace), ${requests} requests each after ${WARMUP_REQUESTS} warm-up; rate limit lifted`,
        `SSO provider set and an owner e-mail rule on top, so every move runs the lockout guard`,
        `load average (1/5/15 min) before: ${loadBefore.map((n) => n.toFixed(2)).join(" ")}, after: ${loadAfter.map((n) => n.toFixed(2)).join(" ")}`,
        ``,
        report(figures),
        ``,
      ].join("\n"),
    );
  } finally {
    for (const close of closers) await close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
