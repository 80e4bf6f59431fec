// What both bundles (scripts/bundleProvider.mjs, scripts/bundlePlugin.mjs) leave out of axios, which
// this package uses only through its http adapter (provider/client/client.ts says `adapter: "http"`)
// with JSON and URL-encoded bodies:
//  - the fetch probe axios (>= 1.12) runs as it loads: it builds a Request, a ReadableStream and a
//    Response to learn what the fetch API supports, which makes Node set up undici's fetch and web
//    streams in every provider process. The one eager `getFetch();` call is dropped; axios still
//    runs the probe, lazily, should its fetch adapter ever be asked for.
//  - form-data, for multipart bodies, with mime-db's 200 KB table: replaced by a class that refuses
//    to be built.
// Together ~8 ms less module evaluation in each provider process, ~13 ms less to the plugin's first
// line (medians of 40 interleaved starts). When an axios upgrade changes the probe, the build fails
// here rather than silently keeping it.
import { readFile } from "node:fs/promises";

const PROBE = /^getFetch\(\);$/m;

export const axiosHttpOnly = {
  name: "axios-http-only",
  setup(build) {
    build.onLoad({ filter: /[\\/]axios[\\/]dist[\\/]node[\\/]axios\.cjs$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!PROBE.test(source)) {
        throw new Error("axios no longer calls getFetch() as it loads: update or drop scripts/lib/esbuildAxios.mjs");
      }
      return { contents: source.replace(PROBE, "/* getFetch(); left to the fetch adapter (scripts/lib/esbuildAxios.mjs) */"), loader: "js" };
    });
    build.onResolve({ filter: /^form-data$/ }, (args) => (args.importer.includes("axios") ? { path: "form-data", namespace: "axios-http-only" } : undefined));
    build.onLoad({ filter: /^form-data$/, namespace: "axios-http-only" }, () => ({
      contents: 'module.exports = class FormData { constructor() { throw new Error("pulumi-torq-sso sends no multipart bodies (form-data is left out of its bundles)"); } };',
      loader: "js",
    }));
  },
};
