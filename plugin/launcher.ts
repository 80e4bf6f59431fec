#!/usr/bin/env node
/**
 * pulumi-resource-torq: the Torq SSO resource provider plugin, run with the `node` on PATH (Node.js
 * >= 22). `make build` installs this file as dist/bin/pulumi-resource-torq; in the plugin tarball it
 * sits at the root. It runs the plugin, which is one bundled file (dist/plugin/bundle.js, see
 * scripts/bundlePlugin.mjs): beside it in the tarball, one folder down from it in a checkout.
 *
 * Why a launcher of its own rather than `node bundle.js`: the engine starts the plugin for every
 * preview, and most of a start is V8 parsing and compiling the bundle's functions. Node's compile
 * cache (`NODE_COMPILE_CACHE`) keeps only what V8 compiled before the file ran — about 160 KB of
 * code for the 2.3 MB bundle — so each start compiled the rest again. This launcher compiles the
 * bundle itself and, once the plugin has answered its first resource operation, asks V8 for a code
 * cache of everything compiled by then (~1.8 MB) and keeps it for the next start, which then skips
 * that work (`node dist/bench/pluginStart.js` measures it).
 *
 * The cache is an optimization only: any problem reading or writing it is silent and the plugin runs
 * as it would without. It lives in a folder only this user can write
 * (`$XDG_CACHE_HOME/pulumi-resource-torq`, else `~/.cache/pulumi-resource-torq`), since code read
 * from it runs; a file another user could have written is not used. A cache is keyed by the bundle's
 * path, Node's version and flags (command line and `NODE_OPTIONS`), and holds the bundle's size,
 * mtime and inode, so a rebuilt or upgraded plugin never runs with a stale cache, and runs with other
 * flags do not take turns rewriting one (V8 checks its own version and flags as well).
 * `NODE_DISABLE_COMPILE_CACHE=1` (Node's own switch) turns it off.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { Module, createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";

/** What the bundle exports for a launcher (plugin/main.ts; a type only, so nothing of it is loaded here). */
type PluginBundle = Pick<typeof import("./main"), "start">;

const FORMAT = "pulumi-resource-torq code cache 1";

/** The bundle: beside this file in the plugin tarball, or in dist/plugin when this is dist/bin/pulumi-resource-torq. */
function bundlePath(): string {
  const candidates = [path.join(__dirname, "dist", "plugin", "bundle.js"), path.join(__dirname, "..", "plugin", "bundle.js")];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`the plugin's bundle is missing (looked for ${candidates.join(" and ")}): reinstall the plugin, or run make build`);
  return found;
}

/** The private folder caches live in, or undefined when caching is off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env["NODE_DISABLE_COMPILE_CACHE"]) return undefined;
  const base = env["XDG_CACHE_HOME"] || path.join(os.homedir(), ".cache");
  return path.join(base, "pulumi-resource-torq");
}

/** Where the cache of this bundle under this Node lives, and the header that says which build it belongs to. */
export function codeCacheFile(dir: string, bundle: string, stat: fs.Stats): { file: string; header: Buffer } {
  const flags = [...process.execArgv, process.env["NODE_OPTIONS"] ?? ""];
  const key = createHash("sha256").update([bundle, process.version, process.arch, ...flags].join("\0")).digest("hex");
  const header = Buffer.from(`${FORMAT} ${stat.size} ${stat.mtimeMs} ${stat.ino}\n`);
  return { file: path.join(dir, `${key.slice(0, 32)}.v8cache`), header };
}

/** Ours alone: owned by this user and writable by nobody else. */
function private_(stat: fs.Stats): boolean {
  return typeof process.getuid !== "function" || (stat.uid === process.getuid() && (stat.mode & 0o022) === 0);
}

/** The cached code for this build, or undefined (none, another build's, or not safely ours). */
export function readCodeCache(dir: string, file: string, header: Buffer): Buffer | undefined {
  let fd: number | undefined;
  try {
    if (!private_(fs.statSync(dir))) return undefined;
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || !private_(stat) || (stat.mode & 0o077) !== 0) return undefined;
    const data = fs.readFileSync(fd);
    return data.subarray(0, header.length).equals(header) ? data.subarray(header.length) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes the cache whole or not at all (a file of its own, then renamed), readable by this user only. */
export function writeCodeCache(dir: string, file: string, header: Buffer, code: () => Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!private_(fs.statSync(dir))) return;
    fs.writeFileSync(temporary, Buffer.concat([header, code()]), { mode: 0o600, flag: "wx" });
    fs.renameSync(temporary, file);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

function launch(): void {
  const bundle = bundlePath();
  const source = fs.readFileSync(bundle, "utf8");
  let dir: string | undefined;
  try {
    dir = codeCacheDir();
  } catch {
    dir = undefined; // no home folder: run without the cache
  }
  const cache = dir === undefined ? undefined : { dir, ...codeCacheFile(dir, bundle, fs.statSync(bundle)) };
  const cachedData = cache && readCodeCache(cache.dir, cache.file, cache.header);
  const script = new vm.Script(Module.wrap(source), { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const needsWriting = cache !== undefined && (cachedData === undefined || script.cachedDataRejected === true);

  // The bundle runs as the CommonJS module it was built as; it requires only Node's own modules.
  const bundleModule = new Module(bundle, module);
  bundleModule.filename = bundle;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(bundleModule.exports, bundleModule.exports, createRequire(bundle), bundleModule, bundle, path.dirname(bundle));
  bundleModule.loaded = true;

  (bundleModule.exports as PluginBundle).start({
    afterFirstOperation: needsWriting ? () => writeCodeCache(cache.dir, cache.file, cache.header, () => script.createCachedData()) : undefined,
  });
}

if (require.main === module) {
  try {
    launch();
  } catch (err) {
    process.stderr.write(`pulumi-resource-torq: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
