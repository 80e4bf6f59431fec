// Compiles the TypeScript SDK generated from schema.json (sdk-gen/nodejs, `@pulumi-torq-sso/torq`)
// into dist/sdk-gen/nodejs, with its package.json (the generated code reads its version from it).
// It runs first in `npm run build`: sdk/plugin.ts is built on it (tsconfig.json `paths`). The
// generated code has its own tsconfig.json, as it is not written to this repository's strictness.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";

const require = createRequire(import.meta.url);
const out = "dist/sdk-gen/nodejs";
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "sdk-gen/nodejs/tsconfig.json", "--outDir", out], { stdio: "inherit" });
mkdirSync(out, { recursive: true });
copyFileSync("sdk-gen/nodejs/package.json", `${out}/package.json`);
