/**
 * The no-change `pulumi preview` of the same ClaimMappings program in both provider modes, against
 * the preview of an empty program in the same run: the dynamic provider (`pulumi-torq-sso`, the
 * engine starts Pulumi's Node dynamic-provider host, which deserializes the provider from state) and
 * the plugin (`pulumi-torq-sso/plugin`, the engine starts pulumi-resource-torq). Median of RUNS runs
 * each, interleaved so load on the machine hits all three alike. Needs `pulumi` on PATH and
 * `make build` (dist/bin/pulumi-resource-torq).
 *
 *   node dist/bench/providerModes.js [--sizes 10,100] [--runs 5]
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import type { ClaimRule } from "../provider/schemas/claimMappings";
import { startWorkspace } from "../emulator";
import { createProject, type PulumiProject } from "../test/e2e/harness";
import { flag, median, timed } from "./pulumiRuns";
import { PROVIDER_MODES } from "../test/e2e/providerModes";

const PROGRAM = `import { readFileSync } from "node:fs";
import * as torq from "pulumi-torq-sso";
const mappings = JSON.parse(readFileSync("rules.json", "utf8"));
export const ruleCount = new torq.ClaimMappings("rules", { mappings, overwriteExisting: true }).mappings.apply((m) => m.length);
`;
const EMPTY_PROGRAM = "export {};\n";

function declaredRules(count: number): ClaimRule[] {
  return [
    { claimName: "email", claimValue: "owner@example.com", role: "Owner" },
    ...Array.from({ length: count - 1 }, (_, i) => ({ claimName: "groups", claimValue: `group-${i + 1}`, role: "Viewer" })),
  ];
}

/** Median no-change preview ms per mode, and the empty program's, for one list size. */
async function benchSize(count: number, runs: number): Promise<{ empty: number; modes: Map<string, number> }> {
  const workspace = await startWorkspace({ port: 0, rateLimitPerSecond: null });
  const projects: { name: string; project: PulumiProject }[] = [];
  try {
    const empty = await createProject({ workspace, program: EMPTY_PROGRAM, name: "torq-sso-bench-empty" });
    await empty.ok(["up", "--yes", "--skip-preview"]);
    projects.push({ name: "empty", project: empty });
    for (const mode of PROVIDER_MODES) {
      const project = await createProject({ workspace, program: PROGRAM, name: "torq-sso-bench-modes", mode });
      writeFileSync(path.join(project.dir, "rules.json"), JSON.stringify(declaredRules(count)));
      process.stderr.write(`bench: ${count} rules, ${mode.name}: up\n`);
      await project.ok(["up", "--yes", "--skip-preview"]);
      projects.push({ name: mode.name, project });
    }
    // Both modes manage the same list, which each up left as declared. Warm every project once
    // (plugins, TypeScript caches), unmeasured.
    for (const { project } of projects) await project.ok(["preview", "--expect-no-changes"]);
    const samples = new Map(projects.map(({ name }) => [name, [] as number[]]));
    for (let run = 0; run < runs; run++) {
      for (const { name, project } of projects) samples.get(name)!.push(await timed(project, ["preview", "--expect-no-changes"]));
    }
    const modes = new Map(PROVIDER_MODES.map((mode) => [mode.name, median(samples.get(mode.name)!)]));
    return { empty: median(samples.get("empty")!), modes };
  } finally {
    for (const { project } of projects) project.dispose();
    await workspace.close();
  }
}

async function main(): Promise<void> {
  const sizes = flag("sizes", "10,100").split(",").map(Number);
  const runs = Number(flag("runs", "5"));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 10_000) || !Number.isInteger(runs) || runs < 1 || runs > 20) {
    throw new Error("--sizes takes integers from 1 to 10000 separated by commas, --runs an integer from 1 to 20");
  }
  if (spawnSync("pulumi", ["version"], { stdio: "ignore" }).status !== 0) {
    throw new Error("the Pulumi CLI is not on PATH: run `source scripts/env.sh --pulumi` first (or `make bench`)");
  }
  console.log(`No-change preview, median of ${runs} runs (local workspace, rate limit lifted)`);
  console.log("rules  empty ms  " + PROVIDER_MODES.map((m) => `${m.name} ms (ratio)`).join("  "));
  for (const count of sizes) {
    const { empty, modes } = await benchSize(count, runs);
    const cells = PROVIDER_MODES.map((m) => `${modes.get(m.name)!.toFixed(0)} (${(modes.get(m.name)! / empty).toFixed(2)}x)`);
    console.log(`${String(count).padStart(5)}  ${empty.toFixed(0).padStart(8)}  ${cells.join("  ")}`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  process.exit(1);
});
