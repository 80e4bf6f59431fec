/**
 * The no-change `pulumi preview` of the same ClaimMappings program in both provider modes, against
 * the preview of an empty program in the same run: the dynamic provider (`pulumi-torq-sso`, the
 * engine starts Pulumi's Node dynamic-provider host, which deserializes the provider from state) and
 * the plugin (`pulumi-torq-sso/plugin`, the engine starts pulumi-resource-torq). And the plugin
 * program again with two plugins that do no work (bench/floorPlugin): one in Go (built here when
 * `go` is on PATH), what any plugin costs — the engine starting a process, the program registering N
 * rules, the engine diffing them — so that the plugin's own share reads as `plugin / do-nothing Go
 * plugin`; and one on the plugin's own stack (Node, @grpc/grpc-js, Pulumi's protobuf stubs), what a
 * plugin written in Node costs before it does anything. Median of RUNS runs each, interleaved so
 * load on the machine hits all alike. Needs `pulumi` on PATH and `make build`
 * (dist/bin/pulumi-resource-torq).
 *
 *   node dist/bench/providerModes.js [--sizes 10,100] [--runs 5]
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startWorkspace } from "../emulator";
import { createProject, PLUGIN_DIR, type PulumiProject } from "../test/e2e/harness";
import { flag, median, ownerAndViewers, timed } from "./pulumiRuns";
import { PLUGIN, PROVIDER_MODES } from "../test/e2e/providerModes";
import { REPO_ROOT } from "../test/support/repo";

/** A plugin that does no work, and the folder holding its pulumi-resource-torq once built. */
interface Floor {
  name: string;
  dir: string;
}

/** bench/floorPlugin/main.go, built with `go` into .tmp/floor-plugin/go; undefined, said why, when it cannot be. */
function goFloor(): Floor | undefined {
  const dir = path.join(REPO_ROOT, ".tmp", "floor-plugin", "go");
  const build = spawnSync("go", ["build", "-mod=readonly", "-trimpath", "-o", path.join(dir, "pulumi-resource-torq"), "."], {
    cwd: path.join(REPO_ROOT, "bench", "floorPlugin"),
    encoding: "utf8",
  });
  if (build.status === 0) return { name: "do-nothing Go plugin", dir };
  const why = build.error ? "no `go` on PATH" : (build.stderr.trim().split("\n")[0] ?? `go build exited ${build.status}`);
  console.log(`(the do-nothing Go plugin is left out: ${why})`);
  return undefined;
}

/** bench/floorPlugin/node.ts bundled as the plugin's bundle is (scripts/bundlePlugin.mjs), started with Node's compile cache. */
function nodeFloor(): Floor {
  const dir = path.join(REPO_ROOT, ".tmp", "floor-plugin", "node");
  const entry = path.join(REPO_ROOT, "dist", "bench", "floorPlugin", "node.js");
  const bundled = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "bundlePlugin.mjs"), entry, path.join(dir, "bundle.js")], { cwd: REPO_ROOT, encoding: "utf8" });
  if (bundled.status !== 0) throw new Error(`bundling the do-nothing Node plugin failed: ${bundled.stderr.trim().split("\n")[0]}`);
  writeFileSync(path.join(dir, "pulumi-resource-torq"), '#!/usr/bin/env node\nrequire("node:module").enableCompileCache?.();\nrequire("./bundle.js");\n', { mode: 0o755 });
  return { name: "do-nothing Node plugin", dir };
}

const PROGRAM = `import { readFileSync } from "node:fs";
import * as torq from "pulumi-torq-sso";
const mappings = JSON.parse(readFileSync("rules.json", "utf8"));
export const ruleCount = new torq.ClaimMappings("rules", { mappings, overwriteExisting: true }).mappings.apply((m) => m.length);
`;
const EMPTY_PROGRAM = "export {};\n";


/** Median no-change preview ms per mode, and the empty program's, for one list size. */
async function benchSize(count: number, runs: number, floors: readonly Floor[]): Promise<{ empty: number; modes: Map<string, number> }> {
  const workspace = await startWorkspace({ port: 0, rateLimitPerSecond: null });
  const projects: { name: string; project: PulumiProject }[] = [];
  try {
    const empty = await createProject({ workspace, program: EMPTY_PROGRAM, name: "torq-sso-bench-empty" });
    await empty.ok(["up", "--yes", "--skip-preview"]);
    projects.push({ name: "empty", project: empty });
    for (const mode of PROVIDER_MODES) {
      const project = await createProject({ workspace, program: PROGRAM, name: "torq-sso-bench-modes", mode });
      writeFileSync(path.join(project.dir, "rules.json"), JSON.stringify(ownerAndViewers(count)));
      process.stderr.write(`bench: ${count} rules, ${mode.name}: up\n`);
      await project.ok(["up", "--yes", "--skip-preview"]);
      projects.push({ name: mode.name, project });
    }
    for (const floor of floors) {
      const project = await createProject({ workspace, program: PROGRAM, name: "torq-sso-bench-floor", mode: PLUGIN });
      const projectFile = path.join(project.dir, "Pulumi.yaml");
      writeFileSync(projectFile, readFileSync(projectFile, "utf8").replace(`path: ${PLUGIN_DIR}`, `path: ${floor.dir}`));
      writeFileSync(path.join(project.dir, "rules.json"), JSON.stringify(ownerAndViewers(count)));
      await project.ok(["up", "--yes", "--skip-preview"]);
      projects.push({ name: floor.name, project });
    }
    // Both modes manage the same list, which each up left as declared. Warm every project once
    // (plugins, TypeScript caches), unmeasured.
    for (const { project } of projects) await project.ok(["preview", "--expect-no-changes"]);
    const samples = new Map(projects.map(({ name }) => [name, [] as number[]]));
    for (let run = 0; run < runs; run++) {
      for (const { name, project } of projects) samples.get(name)!.push(await timed(project, ["preview", "--expect-no-changes"]));
    }
    const modes = new Map(projects.filter(({ name }) => name !== "empty").map(({ name }) => [name, median(samples.get(name)!)]));
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
  const floors = [goFloor(), nodeFloor()].filter((floor): floor is Floor => floor !== undefined);
  const columns = [...PROVIDER_MODES.map((m) => m.name), ...floors.map((floor) => floor.name)];
  const own = floors[0] && `plugin / ${floors[0].name}`;
  console.log(`No-change preview, median of ${runs} runs (local workspace, rate limit lifted); ratios to the empty program`);
  console.log(`rules  empty ms  ${columns.map((name) => `${name} ms (ratio)`).join("  ")}${own ? `  ${own}` : ""}  load`);
  for (const count of sizes) {
    const { empty, modes } = await benchSize(count, runs, floors);
    const cells = columns.map((name) => `${modes.get(name)!.toFixed(0)} (${(modes.get(name)! / empty).toFixed(2)}x)`.padStart(name.length + 8));
    const ownCell = own ? `${(modes.get(PLUGIN.name)! / modes.get(floors[0]!.name)!).toFixed(2)}x`.padStart(own.length + 2) : "";
    console.log(`${String(count).padStart(5)}  ${empty.toFixed(0).padStart(8)}  ${cells.join("  ")}${ownCell}  ${os.loadavg()[0]!.toFixed(2)}`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  process.exit(1);
});
