/**
 * `make plugin`: the plugin tarball that `pulumi plugin install resource torq <version> --file …`
 * installs. It holds the launcher `pulumi-resource-torq` at its root, the compiled plugin and
 * provider (dist/plugin, dist/provider), schema.json, and the npm packages they load at run time,
 * copied from this checkout's node_modules (nothing is downloaded).
 *
 * Of @pulumi/pulumi only the protobuf stubs (proto/) are taken: the plugin serves Pulumi's gRPC
 * protocol with them and needs nothing else of the SDK, whose own dependencies would make the
 * tarball four times larger.
 *
 *   node dist/scripts/pluginPackage.js [OUT_DIR]   (default: dist/)
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

/** The packages the plugin and the provider code require. */
const RUNTIME_PACKAGES = ["@grpc/grpc-js", "google-protobuf", "axios", "fast-xml-parser", "zod"];

/** Packages of which only some folders are needed (see above). */
const PARTIAL_PACKAGES: Record<string, string[]> = { "@pulumi/pulumi": ["package.json", "proto"] };

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

/** The folder of package `name` as Node resolves it from `fromDir`, or undefined when it is not installed (an optional dependency). */
function packageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (dir === path.dirname(dir)) return undefined;
  }
}

/** Every package folder the runtime packages need, each once, following `dependencies` as Node resolves them. */
export function dependencyClosure(names: readonly string[], fromDir: string): string[] {
  const seen = new Set<string>();
  const visit = (name: string, from: string, optional: boolean): void => {
    const dir = packageDir(name, from);
    if (!dir) {
      if (optional) return;
      throw new Error(`${name} is not installed (needed from ${from}); run npm ci`);
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = readJson<PackageJson>(path.join(dir, "package.json"));
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of names) visit(name, fromDir, false);
  return [...seen].sort();
}

/** Copies a package folder, leaving out its nested node_modules (those packages are copied on their own when needed). */
function copyPackage(dir: string, into: string): void {
  const target = path.join(into, path.relative(root, dir));
  cpSync(dir, target, { recursive: true, filter: (src) => !path.relative(dir, src).split(path.sep).includes("node_modules") });
}

function main(): void {
  const outDir = path.resolve(process.argv[2] ?? path.join(root, "dist"));
  const { version } = readJson<PackageJson>(path.join(root, "package.json"));
  const staging = mkdtempSync(path.join(outDir, ".plugin-"));
  try {
    for (const folder of ["dist/plugin", "dist/provider"]) {
      cpSync(path.join(root, folder), path.join(staging, folder), { recursive: true, filter: (src) => !src.endsWith(".map") && !src.endsWith(".d.ts") });
    }
    cpSync(path.join(root, "schema.json"), path.join(staging, "schema.json"));
    writeFileSync(path.join(staging, "package.json"), JSON.stringify({ name: "pulumi-resource-torq", version, private: true, license: "Apache-2.0" }, null, 2) + "\n");
    cpSync(path.join(root, "plugin/pulumi-resource-torq"), path.join(staging, "pulumi-resource-torq"));
    chmodSync(path.join(staging, "pulumi-resource-torq"), 0o755);
    for (const dir of dependencyClosure(RUNTIME_PACKAGES, root)) copyPackage(dir, staging);
    for (const [name, parts] of Object.entries(PARTIAL_PACKAGES)) {
      const dir = packageDir(name, root);
      if (!dir) throw new Error(`${name} is not installed; run npm ci`);
      for (const part of parts) cpSync(path.join(dir, part), path.join(staging, path.relative(root, dir), part), { recursive: true });
    }
    const tarball = path.join(outDir, `pulumi-resource-torq-v${version}-linux-amd64.tar.gz`);
    rmSync(tarball, { force: true });
    execFileSync("tar", ["-czf", tarball, "-C", staging, "."]);
    process.stdout.write(`${tarball}\n`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (require.main === module) {
  mkdirSync(path.join(root, "dist"), { recursive: true });
  main();
}
