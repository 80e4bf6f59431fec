// Bundles the compiled provider (dist/provider/index.js) and what it imports into one file,
// dist/provider/bundle.js, which `require("pulumi-torq-sso/provider")` loads (package.json "exports").
// One file parses and loads faster than some hundred modules found one by one, and the provider
// starts in every `pulumi preview`. @pulumi/pulumi and @grpc/grpc-js stay outside: the provider
// host has them already, and they must be the program's own copies.
import { build } from "esbuild";
import { axiosHttpOnly } from "./lib/esbuildAxios.mjs";

await build({
  entryPoints: ["dist/provider/index.js"],
  outfile: "dist/provider/bundle.js",
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  external: ["@pulumi/pulumi", "@pulumi/pulumi/*", "@grpc/grpc-js"],
  minifySyntax: true,
  minifyWhitespace: true,
  sourcemap: true,
  logLevel: "warning",
  plugins: [axiosHttpOnly],
});
