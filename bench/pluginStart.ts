/**
 * How long pulumi-resource-torq takes from its start to the port it prints, and to its first answer
 * to a resource operation, as the engine starts it: the launcher (plugin/launcher.ts) with its V8
 * code cache, the launcher with every cache off (`NODE_DISABLE_COMPILE_CACHE=1`: how a plugin without
 * a cache of its own starts where `NODE_COMPILE_CACHE` is not set, the default), and
 * `node dist/plugin/bundle.js` with Node's compile cache (what the plugin ran before the launcher
 * kept a cache of its own); a bare `node` printing a line is the floor. Median of RUNS starts each,
 * interleaved. Needs `make build`.
 *
 *   node dist/bench/pluginStart.js [--runs 20]
 */
import { once } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FakeEngine } from "../test/unit/provider/fakeEngine";
import { LAUNCHER, previewCreate, startPlugin } from "../test/support/plugin";
import { REPO_ROOT } from "../test/support/repo";
import { flag, median } from "./pulumiRuns";

interface Variant {
  name: string;
  command: string[];
  env: NodeJS.ProcessEnv;
}

/** ms from spawn to the port, and to the answer of the first operation (none for the floor). */
async function startOnce(engine: FakeEngine, variant: Variant): Promise<{ port: number; answer: number }> {
  const started = performance.now();
  const plugin = await startPlugin(engine.address, { command: variant.command, env: variant.env });
  const port = performance.now() - started;
  let answer = NaN;
  try {
    if (variant.name !== "floor") {
      await previewCreate(plugin.client);
      answer = performance.now() - started;
    }
  } finally {
    plugin.client.close();
    plugin.child.kill();
    if (plugin.child.exitCode === null && plugin.child.signalCode === null) await once(plugin.child, "exit");
  }
  return { port, answer };
}

async function main(): Promise<void> {
  const runs = Number(flag("runs", "20"));
  if (!Number.isInteger(runs) || runs < 1 || runs > 200) throw new Error("--runs takes an integer from 1 to 200");
  const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), "torq-plugin-start-"));
  const engine = await FakeEngine.start();
  const base: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome, NODE_COMPILE_CACHE: path.join(cacheHome, "node-compile-cache") };
  delete base["NODE_DISABLE_COMPILE_CACHE"];
  const variants: Variant[] = [
    { name: "launcher, code cache", command: [LAUNCHER], env: base },
    { name: "launcher, caches off", command: [LAUNCHER], env: { ...base, NODE_DISABLE_COMPILE_CACHE: "1" } },
    { name: "node bundle.js, Node's compile cache", command: [process.execPath, path.join(REPO_ROOT, "dist", "plugin", "bundle.js")], env: base },
    { name: "floor", command: [process.execPath, "-e", "console.log(1); setInterval(() => {}, 1000)"], env: base },
  ];
  try {
    // Warm every cache once, unmeasured: the launcher writes its own after the first operation.
    for (const variant of variants) await startOnce(engine, variant);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const variant of variants) await startOnce(engine, variant);
    const samples = variants.map(() => ({ port: [] as number[], answer: [] as number[] }));
    for (let run = 0; run < runs; run++) {
      for (const [i, variant] of variants.entries()) {
        const { port, answer } = await startOnce(engine, variant);
        samples[i]!.port.push(port);
        samples[i]!.answer.push(answer);
      }
    }
    const [load1, load5] = os.loadavg();
    console.log(`pulumi-resource-torq start, median of ${runs} interleaved starts (load ${load1!.toFixed(2)} ${load5!.toFixed(2)}, Node ${process.version})`);
    console.log("variant                                  to port ms  to first answer ms");
    const reference = median(samples[2]!.answer);
    for (const [i, variant] of variants.entries()) {
      const answer = median(samples[i]!.answer);
      const cells = Number.isNaN(answer) ? "" : `${answer.toFixed(0).padStart(18)}  (${(answer / reference).toFixed(2)}x)`;
      console.log(`${variant.name.padEnd(40)} ${median(samples[i]!.port).toFixed(0).padStart(10)}  ${cells}`);
    }
  } finally {
    await engine.die();
    fs.rmSync(cacheHome, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
