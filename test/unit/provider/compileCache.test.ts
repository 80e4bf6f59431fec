/**
 * Node's compile cache in the dynamic-provider process, which the engine ends with SIGKILL: the
 * provider writes the cache itself. A child node whose script sits at a path ending in
 * cmd/dynamic-provider/index.js (as @pulumi/pulumi's does) loads the provider, is killed, and the
 * cache folder is looked at.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_ROOT } from "../../support/repo";
import { FakeEngine } from "./fakeEngine";

describe("compile cache in the dynamic-provider process", function () {
  this.timeout(30_000);
  let dir: string;
  let engine: FakeEngine;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "torq-sso-compile-cache-"));
    engine = await FakeEngine.start();
  });
  after(async () => {
    await engine?.die();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a script at `scriptPath` that loads the provider, kills it with SIGKILL after `ms`, and answers the files cached. */
  async function cachedFilesAfterKill(scriptPath: string, ms: number): Promise<number> {
    const cache = mkdtempSync(path.join(dir, "cache-"));
    mkdirSync(path.dirname(scriptPath), { recursive: true });
    writeFileSync(scriptPath, `require(${JSON.stringify(path.join(REPO_ROOT, "dist", "provider", "index.js"))});\nprocess.stdout.write("loaded\\n");\nsetInterval(() => undefined, 1000);\n`);
    const child = spawn(process.execPath, [scriptPath, engine.address], { env: { ...process.env, NODE_COMPILE_CACHE: cache }, stdio: ["ignore", "pipe", "inherit"] });
    await once(child.stdout, "data");
    await sleep(ms);
    child.kill("SIGKILL");
    await once(child, "exit");
    // Node makes its per-version folder at start; the cached code is in files.
    return readdirSync(cache, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
  }

  it("is written by a provider process that the engine kills", async () => {
    expect(await cachedFilesAfterKill(path.join(dir, "a", "cmd", "dynamic-provider", "index.js"), 1_500)).to.be.above(0);
  });

  it("is left to Node in any other process (a killed one writes nothing)", async () => {
    expect(await cachedFilesAfterKill(path.join(dir, "b", "cmd", "run", "index.js"), 1_500)).to.equal(0);
  });
});
