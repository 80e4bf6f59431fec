/**
 * What `torq.ClaimMappings` costs through the real Pulumi engine, for 10, 100 and 1,000 rules, against
 * a local workspace (rate limit lifted, an SSO provider present so the guard applies):
 *   (i)   the HTTP requests of a no-change `pulumi preview`, by path (goal: nothing per rule);
 *   (ii)  the requests of a `pulumi up` applying a random shuffle: writes against the planner's
 *         minimum (`planClaimMappingChanges(live, desired).apiCalls`), reads apart;
 *   (iii) the wall time of that no-change preview against the preview of an empty program and of a
 *         program with one do-nothing inline dynamic resource (the engine starts a second Node
 *         process, the dynamic-provider host, for any dynamic resource: that is the platform's share),
 *         the median of RUNS alternating runs each, with the load average, as ratios (goal: at most
 *         1.15x the do-nothing dynamic resource at 100 rules).
 * Seeded, so runs shuffle alike. Needs `pulumi` on PATH (`source scripts/env.sh --pulumi`).
 *
 *   node dist/bench/claimMappings.js [--sizes 10,100,1000] [--runs 5]
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { TorqClient } from "../provider/client/client";
import { minimumCalls, planClaimMappingChanges, type LiveRule } from "../provider/plan";
import { ruleKey as contentKey } from "../provider/rules/rule";
import { requestLogSchema, type RequestLogEntry } from "../emulator/testHookSchemas";
import type { ClaimRule } from "../provider/schemas/claimMappings";
import { startWorkspace, type Workspace } from "../emulator";
import { createProject } from "../test/e2e/harness";
import { flag, median, timed } from "./pulumiRuns";
import { seededRandom } from "./seededRandom";

const ROLES = ["Contributor", "Creator", "Operator", "Viewer", "Interact Only"];
const WRITE_METHODS = new Set(["POST", "PATCH", "DELETE"]);
const TOKEN_PATH = "/v1/auth/token";
const RATIO_GOAL = 1.15;
const RATIO_GOAL_RULES = 100;

/** A ClaimMappings program whose list is read from rules.json, so a shuffle rewrites data, not code. */
const PROGRAM = `import { readFileSync } from "node:fs";
import * as torq from "pulumi-torq-sso";
const mappings = JSON.parse(readFileSync("rules.json", "utf8"));
export const ruleCount = new torq.ClaimMappings("rules", { mappings }).mappings.apply((m) => m.length);
`;
const EMPTY_PROGRAM = "export {};\n";
/** One dynamic resource whose provider does nothing: what any dynamic provider costs the engine. */
const TRIVIAL_DYNAMIC_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
const provider: pulumi.dynamic.ResourceProvider = {
  async create() { return { id: "trivial", outs: {} }; },
  async diff() { return { changes: false }; },
};
export const id = new pulumi.dynamic.Resource(provider, "trivial", {}).id;
`;

interface SizeResult {
  rules: number;
  preview: Map<string, number>;
  shuffle: { writes: Map<string, number>; reads: Map<string, number>; planned: number; bound: number; seconds: number; converged: boolean };
  previewMs: number;
  emptyMs: number;
  trivialMs: number;
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** One owner e-mail rule (the guard wants it) and group rules with the other roles. */
function declaredRules(count: number): ClaimRule[] {
  return [
    { claimName: "email", claimValue: "owner@example.com", role: "Owner" },
    ...Array.from({ length: count - 1 }, (_, i) => ({ claimName: "groups", claimValue: `group-${i + 1}`, role: ROLES[i % ROLES.length]! })),
  ];
}

function clientFor(ws: Workspace): TorqClient {
  return new TorqClient({ apiUrl: ws.url, authUrl: ws.url, clientId: ws.ownerKey.client_id, clientSecret: ws.ownerKey.client_secret });
}

async function liveRules(client: TorqClient): Promise<LiveRule[]> {
  const roles = new Map((await client.listRoles()).map((r) => [r.id, r.name]));
  return (await client.listClaimMappings()).items.map((m) => ({
    id: m.id,
    claimName: m.claim_name,
    claimValue: m.claim_value,
    role: roles.get(m.role_id) ?? `unknown role ${m.role_id}`,
  }));
}

async function resetLog(ws: Workspace): Promise<void> {
  const answer = await fetch(`${ws.url}/_local/reset`, { method: "POST" });
  if (answer.status !== 200) throw new Error(`POST /_local/reset answered ${answer.status}`);
}

async function requestLog(ws: Workspace): Promise<RequestLogEntry[]> {
  return requestLogSchema.parse(await (await fetch(`${ws.url}/_local/requests`)).json()).requests;
}

/** Requests counted by `METHOD path`, rule ids folded into `{id}`. */
function byPath(entries: readonly RequestLogEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const key = `${entry.method} ${entry.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "{id}")}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const total = (counts: Map<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);

async function benchSize(count: number, runs: number): Promise<SizeResult> {
  const workspace = await startWorkspace({ port: 0, testHooks: true, rateLimitPerSecond: null });
  const client = clientFor(workspace);
  await client.putSsoProvider({ protocol: "oidc", issuer_url: "https://idp.example.com", client_id: "torq", client_secret: "bench-secret", grant_type: "code" });
  const project = await createProject({ workspace, program: PROGRAM, name: "torq-sso-bench" });
  const empty = await createProject({ workspace, program: EMPTY_PROGRAM, name: "torq-sso-bench-empty" });
  const trivial = await createProject({ workspace, program: TRIVIAL_DYNAMIC_PROGRAM, name: "torq-sso-bench-trivial" });
  try {
    const declared = declaredRules(count);
    writeFileSync(path.join(project.dir, "rules.json"), JSON.stringify(declared));
    process.stderr.write(`bench: ${count} rules: initial up (${count} creates)\n`);
    await project.ok(["up", "--yes", "--skip-preview"]);
    await trivial.ok(["up", "--yes", "--skip-preview"]);
    // Warm every project once (plugin and TypeScript caches), unmeasured.
    await project.ok(["preview", "--expect-no-changes"]);
    await empty.ok(["preview"]);
    await trivial.ok(["preview", "--expect-no-changes"]);

    // (i) a no-change preview's requests
    await resetLog(workspace);
    await project.ok(["preview", "--expect-no-changes"]);
    const preview = byPath(await requestLog(workspace));

    // (iii) wall time, interleaved so load on the machine hits both alike
    const previewRuns: number[] = [];
    const emptyRuns: number[] = [];
    const trivialRuns: number[] = [];
    for (let run = 0; run < runs; run++) {
      emptyRuns.push(await timed(empty, ["preview"]));
      trivialRuns.push(await timed(trivial, ["preview", "--expect-no-changes"]));
      previewRuns.push(await timed(project, ["preview", "--expect-no-changes"]));
    }

    // (ii) a random shuffle
    const live = await liveRules(client);
    // The owner e-mail rule stays first: a group rule above it could shadow it, which the guard refuses.
    const desired = [declared[0]!, ...shuffled(declared.slice(1), seededRandom(count))];
    const planned = planClaimMappingChanges(live, desired, { ssoProviderExists: true, enforceGuard: true }).apiCalls;
    const bound = minimumCalls(live.map(contentKey), desired.map(contentKey));
    writeFileSync(path.join(project.dir, "rules.json"), JSON.stringify(desired));
    await resetLog(workspace);
    process.stderr.write(`bench: ${count} rules: up applying a shuffle (${planned} planned calls)\n`);
    const started = performance.now();
    await project.ok(["up", "--yes", "--skip-preview"]);
    const seconds = (performance.now() - started) / 1000;
    const log = await requestLog(workspace);
    const after = await liveRules(client);
    const converged = JSON.stringify(after.map(({ claimName, claimValue, role }) => ({ claimName, claimValue, role }))) === JSON.stringify(desired);
    return {
      rules: count,
      preview,
      shuffle: {
        writes: byPath(log.filter((e) => WRITE_METHODS.has(e.method) && e.path !== TOKEN_PATH)),
        reads: byPath(log.filter((e) => !WRITE_METHODS.has(e.method) || e.path === TOKEN_PATH)),
        planned,
        bound,
        seconds,
        converged,
      },
      previewMs: median(previewRuns),
      emptyMs: median(emptyRuns),
      trivialMs: median(trivialRuns),
    };
  } finally {
    project.dispose();
    empty.dispose();
    trivial.dispose();
    await workspace.close();
  }
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")).join("\n");
}

function breakdown(counts: Map<string, number>): string {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, n]) => `${n} ${key}`)
    .join(", ");
}

async function main(): Promise<void> {
  const sizes = flag("sizes", "10,100,1000").split(",").map(Number);
  const runs = Number(flag("runs", "5"));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 10_000) || !Number.isInteger(runs) || runs < 1 || runs > 20) {
    throw new Error("--sizes takes integers from 1 to 10000 separated by commas, --runs an integer from 1 to 20");
  }
  if (spawnSync("pulumi", ["version"], { stdio: "ignore" }).status !== 0) {
    throw new Error("the Pulumi CLI is not on PATH: run `source scripts/env.sh --pulumi` first (or `make bench`)");
  }
  const results: SizeResult[] = [];
  const loadBefore = loadavg();
  for (const count of sizes) results.push(await benchSize(count, runs));
  const loadAfter = loadavg();

  const rows = [
    ["rules", "preview reqs", "shuffle writes", "planned", "bound", "up reads", "up s", `preview ms (median of ${runs})`, "empty ms", "ratio", "trivial dynamic ms", "ratio"],
  ];
  for (const r of results) {
    const writes = total(r.shuffle.writes);
    rows.push([
      String(r.rules),
      String(total(r.preview)),
      `${writes}${writes === r.shuffle.planned ? "" : " (!)"}${r.shuffle.converged ? "" : " not converged"}`,
      String(r.shuffle.planned),
      String(r.shuffle.bound),
      String(total(r.shuffle.reads)),
      r.shuffle.seconds.toFixed(1),
      r.previewMs.toFixed(0),
      r.emptyMs.toFixed(0),
      `${(r.previewMs / r.emptyMs).toFixed(2)}x`,
      r.trivialMs.toFixed(0),
      `${(r.previewMs / r.trivialMs).toFixed(2)}x`,
    ]);
  }
  console.log("ClaimMappings through the Pulumi engine (local workspace, rate limit lifted, SSO provider present)");
  console.log(`load average (1/5/15 min): ${loadBefore.map((l) => l.toFixed(2)).join(" ")} before, ${loadAfter.map((l) => l.toFixed(2)).join(" ")} after; ${cpus().length} CPUs`);
  console.log(table(rows));
  console.log("");
  for (const r of results) {
    console.log(`${r.rules} rules, no-change preview: ${breakdown(r.preview)}`);
    console.log(`${r.rules} rules, shuffle up, writes: ${breakdown(r.shuffle.writes)}`);
    console.log(`${r.rules} rules, shuffle up, reads: ${breakdown(r.shuffle.reads)}`);
  }
  const atGoal = results.find((r) => r.rules === RATIO_GOAL_RULES);
  if (atGoal) {
    const ratio = atGoal.previewMs / atGoal.trivialMs;
    console.log(
      `preview at ${RATIO_GOAL_RULES} rules: ${ratio.toFixed(2)}x a program with one do-nothing dynamic resource (goal <= ${RATIO_GOAL}x): ${ratio <= RATIO_GOAL ? "met" : "missed"}; ` +
        `${(atGoal.previewMs / atGoal.emptyMs).toFixed(2)}x an empty program`,
    );
  }
  const offPlan = results.filter((r) => total(r.shuffle.writes) !== r.shuffle.planned || !r.shuffle.converged);
  console.log(offPlan.length ? `writes off the plan or not converged at: ${offPlan.map((r) => r.rules).join(", ")} rules` : "every shuffle applied with exactly the planned writes and converged");
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  process.exit(1);
});
