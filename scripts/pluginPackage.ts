/**
 * `make plugin`: the plugin tarball that `pulumi plugin install resource torq <version> --file …`
 * installs: the launcher `pulumi-resource-torq` at its root, the plugin bundled into one file with
 * everything it loads (dist/plugin/bundle.js, scripts/bundlePlugin.mjs) and schema.json, which it
 * serves. Needs only `node` (>= 22) on PATH where it runs.
 *
 *   node dist/scripts/pluginPackage.js [OUT_DIR]   (default: dist/)
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

/** The files of the tarball, by their path in it, taken from the same path in the checkout. */
const FILES = ["dist/plugin/bundle.js", "schema.json"];

/** Writes the tarball into `outDir`; returns its path. */
export function packPlugin(outDir: string): string {
  const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  for (const file of FILES) {
    if (!existsSync(path.join(root, file))) throw new Error(`${file} is missing: run make build first`);
  }
  mkdirSync(outDir, { recursive: true });
  const staging = mkdtempSync(path.join(outDir, ".plugin-"));
  try {
    for (const file of FILES) cpSync(path.join(root, file), path.join(staging, file));
    writeFileSync(path.join(staging, "package.json"), JSON.stringify({ name: "pulumi-resource-torq", version, private: true, license: "Apache-2.0" }, null, 2) + "\n");
    cpSync(path.join(root, "dist", "plugin", "launcher.js"), path.join(staging, "pulumi-resource-torq"));
    chmodSync(path.join(staging, "pulumi-resource-torq"), 0o755);
    const tarball = path.join(outDir, `pulumi-resource-torq-v${version}-linux-amd64.tar.gz`);
    rmSync(tarball, { force: true });
    execFileSync("tar", ["-czf", tarball, "-C", staging, "."]);
    return tarball;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (require.main === module) process.stdout.write(`${packPlugin(path.resolve(process.argv[2] ?? path.join(root, "dist")))}\n`);
