// What both bundles (scripts/bundleProvider.mjs, scripts/bundlePlugin.mjs) leave out of axios, which
// this package uses only through its http adapter (provider/client/client.ts says `adapter: "http"`)
// with JSON and URL-encoded bodies:
//  - the fetch probe axios (>= 1.12) runs as it loads: it builds a Request, a ReadableStream and a
//    Response to learn what the fetch API supports, which makes Node set up undici's fetch and web
//    streams in every provider process. The one eager `getFetch();` call is dropped; axios still
//    runs the probe, lazily, should its fetch adapter ever be asked for.
//  - the look-up of the global FormData axios makes as it loads, for an `instanceof` fast
//    path in isFormData(): Node's FormData is a lazy global whose first read loads undici's fetch
//    and web streams — ~20 ms of each plugin start (bench/pluginPreview.ts, 21 interleaved runs:
//    184 -> 164 ms to the Diff answer). Without it isFormData() still recognises a FormData by its
//    tag, the test that follows the fast path. test/plugin/bundles.test.ts checks that neither
//    bundle loads undici.
//  - form-data, for multipart bodies, with mime-db's 200 KB table: replaced by a class that refuses
//    to be built.
// The probe and form-data: ~8 ms less module evaluation in each provider process, ~13 ms less to the
// plugin's first line (medians of 40 interleaved starts). When an axios upgrade changes what is
// patched, the build fails here rather than silently keeping it.
import { readFile } from "node:fs/promises";

/** [what axios says, what the bundles say instead, why the build fails when it is gone]. */
const PATCHES = [
  [/^getFetch\(\);$/m, "/* getFetch(); left to the fetch adapter (scripts/lib/esbuildAxios.mjs) */", "axios no longer calls getFetch() as it loads"],
  [
    /^const FormDataCtor = typeof G\.FormData !== 'undefined' \? G\.FormData : undefined;$/m,
    "const FormDataCtor = undefined; /* Node's lazy FormData global loads undici (scripts/lib/esbuildAxios.mjs) */",
    "axios no longer reads the global FormData as it loads",
  ],
];

export const axiosHttpOnly = {
  name: "axios-http-only",
  setup(build) {
    build.onLoad({ filter: /[\\/]axios[\\/]dist[\\/]node[\\/]axios\.cjs$/ }, async (args) => {
      let contents = await readFile(args.path, "utf8");
      for (const [pattern, replacement, gone] of PATCHES) {
        if (!pattern.test(contents)) throw new Error(`${gone}: update scripts/lib/esbuildAxios.mjs`);
        contents = contents.replace(pattern, replacement);
      }
      return { contents, loader: "js" };
    });
    build.onResolve({ filter: /^form-data$/ }, (args) => (args.importer.includes("axios") ? { path: "form-data", namespace: "axios-http-only" } : undefined));
    build.onLoad({ filter: /^form-data$/, namespace: "axios-http-only" }, () => ({
      contents: 'module.exports = class FormData { constructor() { throw new Error("pulumi-torq-sso sends no multipart bodies (form-data is left out of its bundles)"); } };',
      loader: "js",
    }));
  },
};
