// Bundles the compiled plugin (dist/plugin/main.js) with everything it loads — the provider code,
// @grpc/grpc-js, the protobuf stubs @pulumi/pulumi ships, zod, axios — into one file,
// dist/plugin/bundle.js, which the launcher (plugin/launcher.ts) runs. The engine starts
// the plugin for every preview: one file parses and loads faster than a few hundred modules, and it
// is all the plugin tarball needs besides schema.json. Unlike the provider's bundle, nothing stays
// outside: the plugin is a process of its own, sharing no module with a program.
// `node scripts/bundlePlugin.mjs ENTRY OUTFILE` bundles another entry point the same way (the
// do-nothing plugin of bench/providerModes.ts).
import process from "node:process";
import { build } from "esbuild";
import { axiosHttpOnly } from "./lib/esbuildAxios.mjs";

await build({
  entryPoints: [process.argv[2] ?? "dist/plugin/main.js"],
  outfile: process.argv[3] ?? "dist/plugin/bundle.js",
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  minifySyntax: true,
  minifyWhitespace: true,
  sourcemap: true,
  logLevel: "warning",
  plugins: [axiosHttpOnly],
});
