/**
 * The plugin's launcher (plugin/launcher.ts) and the V8 code cache it keeps: started as the engine
 * starts it, from a copy laid out as the plugin tarball is (launcher at the root, the bundle in
 * dist/plugin), with its own cache folder. How much a start saves is measured by
 * `node dist/bench/pluginStart.js`, not here.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import { Module } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { codeCacheDir, codeCacheFile, readCodeCache } from "../../plugin/launcher";
import { LAUNCHER, previewCreate, startPlugin } from "../support/plugin";
import { REPO_ROOT } from "../support/repo";
import { FakeEngine } from "../unit/provider/fakeEngine";

const BUILT_BUNDLE = path.join(REPO_ROOT, "dist", "plugin", "bundle.js");

interface Install {
  launcher: string;
  bundle: string;
  cacheHome: string;
  /** The folder the launcher keeps its caches in. */
  cacheDir: string;
}

/** A copy of the plugin as the tarball installs it (scripts/pluginPackage.ts), with a cache folder of its own. */
function install(root: string): Install {
  const launcher = path.join(root, "plugin", "pulumi-resource-torq");
  const bundle = path.join(root, "plugin", "dist", "plugin", "bundle.js");
  fs.mkdirSync(path.dirname(bundle), { recursive: true });
  fs.copyFileSync(LAUNCHER, launcher);
  fs.chmodSync(launcher, 0o755);
  fs.copyFileSync(BUILT_BUNDLE, bundle);
  fs.copyFileSync(path.join(REPO_ROOT, "schema.json"), path.join(root, "plugin", "schema.json"));
  const cacheHome = path.join(root, "cache");
  return { launcher, bundle, cacheHome, cacheDir: codeCacheDir({ XDG_CACHE_HOME: cacheHome })! };
}

/** The cache file the launcher uses for this install under the Node running the tests. */
function cacheOf(plugin: Install): { file: string; header: Buffer } {
  return codeCacheFile(plugin.cacheDir, plugin.bundle, fs.statSync(plugin.bundle));
}

/**
 * Starts the plugin as the engine does and has it answer one resource operation; then waits until
 * `until` holds (the cache it expects written) or, without one, as long as a preview's remaining steps
 * would last (for what must not happen).
 */
async function runOnce(plugin: Install, engine: FakeEngine, options: { env?: NodeJS.ProcessEnv; until?: () => boolean } = {}): Promise<void> {
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  delete inherited["NODE_DISABLE_COMPILE_CACHE"];
  const { child, client, stderr } = await startPlugin(engine.address, { command: [plugin.launcher], env: { ...inherited, XDG_CACHE_HOME: plugin.cacheHome, ...options.env } });
  try {
    expect((await previewCreate(client)).getProperties()?.toJavaScript()).to.have.property("mappings");
    client.close();
    const deadline = Date.now() + (options.until ? 20_000 : 400);
    while (!options.until?.() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    if (options.until) expect(options.until(), "the cache written in time").to.equal(true);
    expect(stderr()).to.equal("");
  } finally {
    child.kill();
    if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
  }
}

describe("pulumi-resource-torq's launcher and its code cache", function () {
  this.timeout(60_000);
  let root: string;
  let engine: FakeEngine;

  before(async () => {
    engine = await FakeEngine.start();
  });
  after(async () => {
    await engine?.die();
  });
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "torq-launcher-"));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("keeps, after the first operation, what V8 compiled while serving, readable by this user only, and V8 takes it back", async () => {
    const plugin = install(root);
    const { file, header } = cacheOf(plugin);
    await runOnce(plugin, engine, { until: () => fs.existsSync(file) });
    expect(fs.statSync(plugin.cacheDir).mode & 0o777).to.equal(0o700);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    const stat = fs.statSync(plugin.bundle);
    expect(fs.readFileSync(file).subarray(0, header.length).toString()).to.equal(`pulumi-resource-torq code cache 1 ${stat.size} ${stat.mtimeMs} ${stat.ino}\n`);

    const source = Module.wrap(fs.readFileSync(plugin.bundle, "utf8"));
    const cached = readCodeCache(plugin.cacheDir, file, header)!;
    const script = new vm.Script(source, { filename: plugin.bundle, cachedData: cached });
    expect(script.cachedDataRejected).to.equal(false);
    // Node's own compile cache holds only what V8 compiles before a file runs; this one, what ran
    // (measured in a process of its own: this one now holds the bundle compiled whole).
    const beforeRunning = Number(
      execFileSync(process.execPath, ["-e", 'const { Module } = require("node:module"); process.stdout.write(String(new (require("node:vm").Script)(Module.wrap(require("node:fs").readFileSync(process.argv[1], "utf8"))).createCachedData().length))', plugin.bundle]),
    );
    expect(cached.length).to.be.greaterThan(3 * beforeRunning);
  });

  it("starts the next time from the cache and leaves it as it is", async () => {
    const plugin = install(root);
    const { file } = cacheOf(plugin);
    await runOnce(plugin, engine, { until: () => fs.existsSync(file) });
    const written = fs.readFileSync(file);
    const mtime = fs.statSync(file).mtimeMs;
    await runOnce(plugin, engine);
    expect(fs.statSync(file).mtimeMs).to.equal(mtime);
    expect(fs.readFileSync(file).equals(written)).to.equal(true);
  });

  it("replaces the cache of an earlier build of the bundle", async () => {
    const plugin = install(root);
    const { file } = cacheOf(plugin);
    await runOnce(plugin, engine, { until: () => fs.existsSync(file) });
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(plugin.bundle, later, later);
    const rebuilt = cacheOf(plugin);
    expect(rebuilt.file).to.equal(file);
    expect(readCodeCache(plugin.cacheDir, file, rebuilt.header)).to.equal(undefined);
    await runOnce(plugin, engine, { until: () => readCodeCache(plugin.cacheDir, file, rebuilt.header) !== undefined });
  });

  it("serves from a cache V8 refuses, and writes a good one in its place", async () => {
    const plugin = install(root);
    const { file, header } = cacheOf(plugin);
    fs.mkdirSync(plugin.cacheDir, { recursive: true, mode: 0o700 });
    const refused = Buffer.concat([header, Buffer.alloc(4096, 7)]);
    fs.writeFileSync(file, refused, { mode: 0o600 });
    await runOnce(plugin, engine, { until: () => !fs.readFileSync(file).equals(refused) });
    const cached = readCodeCache(plugin.cacheDir, file, header)!;
    const script = new vm.Script(Module.wrap(fs.readFileSync(plugin.bundle, "utf8")), { filename: plugin.bundle, cachedData: cached });
    expect(script.cachedDataRejected).to.equal(false);
  });

  it("does not run code from a cache file others may write, nor from a folder others may write", async () => {
    const plugin = install(root);
    const { file, header } = cacheOf(plugin);
    await runOnce(plugin, engine, { until: () => fs.existsSync(file) });
    fs.chmodSync(file, 0o666);
    expect(readCodeCache(plugin.cacheDir, file, header)).to.equal(undefined);
    fs.chmodSync(file, 0o600);
    fs.chmodSync(plugin.cacheDir, 0o777);
    expect(readCodeCache(plugin.cacheDir, file, header)).to.equal(undefined);
    // Nor does it write into such a folder.
    fs.rmSync(file);
    await runOnce(plugin, engine);
    expect(fs.existsSync(file)).to.equal(false);
  });

  it("says in one line which bundle it missed, and exits 1", () => {
    const plugin = install(root);
    fs.rmSync(plugin.bundle);
    const run = spawnSync(plugin.launcher, ["127.0.0.1:1"], { encoding: "utf8", env: { ...process.env, XDG_CACHE_HOME: plugin.cacheHome } });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.equal(
      `pulumi-resource-torq: the plugin's bundle is missing (looked for ${plugin.bundle} and ${path.join(root, "plugin", "bundle.js")}): reinstall the plugin, or run make build\n`,
    );
  });

  it("keeps no cache under NODE_DISABLE_COMPILE_CACHE, Node's own switch", async () => {
    const plugin = install(root);
    await runOnce(plugin, engine, { env: { NODE_DISABLE_COMPILE_CACHE: "1" } });
    expect(fs.existsSync(plugin.cacheDir)).to.equal(false);
    expect(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: "1" })).to.equal(undefined);
  });
});
