/**
 * What the Node side of a no-change `pulumi preview` (100 rules) costs under the settings that
 * decide how much code Node compiles per run:
 *   (i)  with and without Node's on-disk compile cache (`NODE_COMPILE_CACHE`), program and provider
 *        transpile-only, the program unchanged (as the test runs are);
 *   (ii) after an edit of the program, with ts-node's type-check and with the examples' `noCheck`
 *        tsconfig.json (ts-node's own cache hides the check when nothing changed).
 * The variants of each part alternate, RUNS times each; it prints the median wall time and the
 * median CPU time of the whole process tree (pulumi, its language host and program, the provider),
 * each as a ratio to the part's first variant, and the load average: on a shared machine the CPU
 * ratio is the steadier one. Linux only (CPU time from /proc). Needs `pulumi` on PATH.
 *
 *   node dist/bench/previewStartup.js [--runs 7]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { ownerAndViewers } from "./pulumiRuns";
import { startWorkspace } from "../emulator";
import { createProject, type PulumiProject } from "../test/e2e/harness";
import { REPO_ROOT } from "../test/support/repo";

const RULES = 100;
const PROGRAM = `import { readFileSync } from "node:fs";
import * as torq from "pulumi-torq-sso";
const mappings = JSON.parse(readFileSync("rules.json", "utf8"));
export const ruleCount = new torq.ClaimMappings("rules", { mappings }).mappings.apply((m) => m.length);
`;
const EXAMPLE_TSCONFIG = path.join(REPO_ROOT, "examples", "quickstart", "tsconfig.json");

interface Variant {
  name: string;
  env: NodeJS.ProcessEnv;
  /** Use the examples' tsconfig.json (noCheck). */
  tsconfig?: boolean;
  /** Change the program before each run, as after an edit. */
  edit?: boolean;
}

interface Measured {
  wallMs: number[];
  cpuMs: number[];
}

/** CPU time (ms) of this process's reaped descendants: pulumi reaps its plugins, this process reaps pulumi. */
function childrenCpuMs(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  // cutime and cstime, fields 16 and 17 of stat (counted from 1), in clock ticks of 10 ms.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function preview(project: PulumiProject, variant: Variant, round: number): Promise<{ wallMs: number; cpuMs: number }> {
  const tsconfig = path.join(project.dir, "tsconfig.json");
  if (variant.tsconfig) writeFileSync(tsconfig, readFileSync(EXAMPLE_TSCONFIG));
  else rmSync(tsconfig, { force: true });
  if (variant.edit) project.writeProgram(`${PROGRAM}// edit ${variant.name} ${round}\n`);
  const started = performance.now();
  const cpuBefore = childrenCpuMs();
  const result = await project.run(["preview", "--expect-no-changes"], variant.env);
  const measured = { wallMs: performance.now() - started, cpuMs: childrenCpuMs() - cpuBefore };
  if (result.code !== 0) throw new Error(`pulumi preview (${variant.name}) exited ${result.code}:\n${result.output}`);
  return measured;
}

async function measure(project: PulumiProject, variants: readonly Variant[], runs: number): Promise<Map<Variant, Measured>> {
  const results = new Map(variants.map((v) => [v, { wallMs: [] as number[], cpuMs: [] as number[] }]));
  // One unmeasured run each, so every cache starts warm.
  for (const variant of variants) await preview(project, variant, -1);
  for (let round = 0; round < runs; round++) {
    for (const variant of variants) {
      const { wallMs, cpuMs } = await preview(project, variant, round);
      results.get(variant)!.wallMs.push(wallMs);
      results.get(variant)!.cpuMs.push(cpuMs);
    }
  }
  return results;
}

function report(title: string, results: Map<Variant, Measured>): void {
  console.log(title);
  const [first] = [...results.values()];
  for (const [variant, m] of results) {
    const wall = median(m.wallMs);
    const cpu = median(m.cpuMs);
    console.log(
      `  ${variant.name.padEnd(40)} wall ${wall.toFixed(0).padStart(5)} ms (${(wall / median(first!.wallMs)).toFixed(2)}x)   cpu ${cpu.toFixed(0).padStart(5)} ms (${(cpu / median(first!.cpuMs)).toFixed(2)}x)`,
    );
  }
}

async function main(): Promise<void> {
  const index = process.argv.indexOf("--runs");
  const runs = index === -1 ? 7 : Number(process.argv[index + 1]);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error("--runs takes an integer from 1 to 50");
  const cache = mkdtempSync(path.join(tmpdir(), "torq-sso-bench-compile-cache-"));
  const workspace = await startWorkspace({ port: 0, testHooks: true, rateLimitPerSecond: null });
  const project = await createProject({ workspace, program: PROGRAM, name: "torq-sso-bench-startup" });
  try {
    writeFileSync(path.join(project.dir, "rules.json"), JSON.stringify(ownerAndViewers(RULES)));
    await project.ok(["up", "--yes", "--skip-preview"]);
    const transpileOnly = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
    // Unset, ts-node's choice falls to tsconfig.json's noCheck, else to type-checking.
    const defaultCheck = { PULUMI_NODEJS_TRANSPILE_ONLY: undefined, NODE_COMPILE_CACHE: cache };

    console.log(`no-change preview of ${RULES} rules, median of ${runs} alternating runs each; load average before ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    report(
      "(i) compile cache, program unchanged, transpile-only:",
      await measure(
        project,
        [
          { name: "no compile cache", env: { ...transpileOnly, NODE_COMPILE_CACHE: undefined } },
          { name: "NODE_COMPILE_CACHE", env: { ...transpileOnly, NODE_COMPILE_CACHE: cache } },
        ],
        runs,
      ),
    );
    report(
      "(ii) after an edit of the program, compile cache on:",
      await measure(
        project,
        [
          { name: "no tsconfig.json (ts-node type-checks)", env: defaultCheck, edit: true },
          { name: "the examples' tsconfig.json (noCheck)", env: defaultCheck, edit: true, tsconfig: true },
        ],
        runs,
      ),
    );
    console.log(`load average after ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  } finally {
    project.dispose();
    await workspace.close();
    rmSync(cache, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
