/**
 * What `torq-sso fleet preview` costs in wall time for 1, 5 and 20 workspaces (local workspaces on
 * loopback, one stack each on the file backend, the baseline declared in the fleet file), at the
 * default concurrency (twice the machine's available parallelism), at one per core, and one workspace
 * at a time, in the same run, alternating, so load on the machine hits all alike; and the speed-ups
 * over one at a time.
 * The stacks exist before anything is measured (a first, unmeasured preview creates them), as in a
 * fleet's everyday use. Prints the load average, since the figures move with it.
 *
 *   node dist/bench/fleet.js [--sizes 1,5,20] [--runs 1] [--concurrency N (default: the fleet's default)]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startWorkspace, type Workspace } from "../emulator";
import { loadFleetFile } from "../fleet/loadFleetFile";
import { defaultConcurrency, runFleet } from "../fleet/runFleet";

interface SizeResult {
  workspaces: number;
  concurrentMs: number[];
  perCoreMs: number[];
  serialMs: number[];
}

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function fleetFileFor(workspaces: readonly Workspace[]): string {
  return `project: torq-sso-bench-fleet
backend: file://./state
baseline:
  claimMappings:
    mappings:
      - { claimName: email, claimValue: owner@example.com, role: Owner }
      - { claimName: groups, claimValue: engineering, role: Operator }
      - { claimName: groups, claimValue: everyone, role: Viewer }
    breakGlassOwners: [owner@example.com]
workspaces:
${workspaces.map((ws, i) => `  - { name: w${i + 1}, apiUrl: "${ws.url}", credentials: { clientId: W${i + 1}_ID, clientSecret: W${i + 1}_SECRET } }`).join("\n")}
`;
}

async function benchSize(count: number, runs: number, concurrency: number): Promise<SizeResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "torq-sso-bench-fleet-"));
  const workspaces: Workspace[] = [];
  try {
    for (let i = 0; i < count; i++) workspaces.push(await startWorkspace({ port: 0 }));
    const env: NodeJS.ProcessEnv = {};
    workspaces.forEach((ws, i) => {
      env[`W${i + 1}_ID`] = ws.ownerKey.client_id;
      env[`W${i + 1}_SECRET`] = ws.ownerKey.client_secret;
    });
    const file = path.join(dir, "fleet.yaml");
    writeFileSync(file, fleetFileFor(workspaces));
    const fleet = loadFleetFile(file);
    const preview = async (limit: number): Promise<number> => {
      const started = performance.now();
      const report = await runFleet(fleet, "preview", { env, concurrency: limit });
      const elapsed = performance.now() - started;
      const bad = report.workspaces.filter((w) => w.status !== "changes");
      if (bad.length) throw new Error(`${bad[0]!.name}: ${bad[0]!.status}: ${bad[0]!.reason ?? ""}`);
      return elapsed;
    };
    process.stderr.write(`bench: ${count} workspace(s): creating the stacks (unmeasured)\n`);
    await preview(concurrency);
    const result: SizeResult = { workspaces: count, concurrentMs: [], perCoreMs: [], serialMs: [] };
    for (let run = 0; run < runs; run++) {
      result.concurrentMs.push(await preview(concurrency));
      result.perCoreMs.push(await preview(availableParallelism()));
      result.serialMs.push(await preview(1));
    }
    return result;
  } finally {
    await Promise.all(workspaces.map((ws) => ws.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")).join("\n");
}

async function main(): Promise<void> {
  const sizes = flag("sizes", "1,5,20").split(",").map(Number);
  const runs = Number(flag("runs", "1"));
  const concurrency = Number(flag("concurrency", String(defaultConcurrency())));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 200) || !Number.isInteger(runs) || runs < 1 || runs > 10 || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new Error("--sizes takes integers from 1 to 200 separated by commas, --runs an integer from 1 to 10, --concurrency one from 1 to 256");
  }
  if (spawnSync("pulumi", ["version"], { stdio: "ignore" }).status !== 0) {
    throw new Error("the Pulumi CLI is not on PATH: run `source scripts/env.sh --pulumi` first (or `make bench`)");
  }
  // The stacks' Pulumi settings, as a user's shell would have them; never the user's own ~/.pulumi.
  const home = mkdtempSync(path.join(tmpdir(), "torq-sso-bench-fleet-home-"));
  Object.assign(process.env, { PULUMI_HOME: home, PULUMI_CONFIG_PASSPHRASE: "bench", PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" });
  const loadBefore = loadavg();
  const results: SizeResult[] = [];
  try {
    for (const count of sizes) results.push(await benchSize(count, runs, concurrency));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  const loadAfter = loadavg();

  console.log(`torq-sso fleet preview, wall time (median of ${runs} run(s) each; local workspaces, file backend, stacks already created)`);
  const cores = availableParallelism();
  const rows = [["workspaces", `${concurrency} at once s`, "speed-up", `${cores} at once s`, "speed-up", "one at a time s", `s per workspace (${concurrency} at once)`]];
  for (const r of results) {
    const concurrent = median(r.concurrentMs) / 1000;
    const perCore = median(r.perCoreMs) / 1000;
    const serial = median(r.serialMs) / 1000;
    rows.push([
      String(r.workspaces),
      concurrent.toFixed(1),
      `${(serial / concurrent).toFixed(2)}x`,
      perCore.toFixed(1),
      `${(serial / perCore).toFixed(2)}x`,
      serial.toFixed(1),
      (concurrent / r.workspaces).toFixed(2),
    ]);
  }
  console.log(table(rows));
  console.log(`cores (available parallelism): ${availableParallelism()}; load average before: ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after: ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`);
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  process.exit(1);
});
