// An esbuild plugin both bundles use (scripts/bundleProvider.mjs, scripts/bundlePlugin.mjs): axios's
// fetch adapter, which the API client never uses (it asks for the `http` adapter by name), is left
// out. Loading it is not free: at import it builds a `Request` and a `ReadableStream` to probe what
// the platform's fetch supports, which makes Node load its whole fetch implementation (undici):
// about 25 ms of the ~150 ms a provider process spends loading its bundle (`make bench`, profile of
// `require("dist/plugin/bundle.js")`). The stub says what axios's adapter table expects of an
// adapter a platform does not have: `false`.
export const withoutAxiosFetch = {
  name: "without-axios-fetch",
  setup(build) {
    build.onResolve({ filter: /[\\/]adapters[\\/]fetch\.js$/ }, (args) =>
      /node_modules[\\/]axios[\\/]/.test(args.importer) ? { path: args.path, namespace: "without-axios-fetch" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "without-axios-fetch" }, () => ({
      contents: "export const getFetch = () => false;\nexport default false;\n",
      loader: "js",
    }));
  },
};
