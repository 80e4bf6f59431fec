/**
 * What loading the provider's bundles costs each process the engine starts: scripts/lib/esbuildAxios.mjs
 * keeps axios from setting up Node's fetch (undici) and web streams as it loads — its fetch probe and
 * its look-up of the global FormData — which the provider, talking to the workspace through axios's
 * http adapter, never uses.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { expect } from "chai";
import { REPO_ROOT } from "../support/repo";

/** Node's own modules a fresh process has loaded once `bundle` is evaluated. */
function nodeModulesLoadedBy(bundle: string): string[] {
  const script = "require(process.argv[1]); process.stdout.write(JSON.stringify(process.moduleLoadList))";
  return JSON.parse(execFileSync(process.execPath, ["-e", script, bundle], { encoding: "utf8" })) as string[];
}

describe("the provider's bundles", () => {
  for (const bundle of ["dist/provider/bundle.js", "dist/plugin/bundle.js"]) {
    it(`${bundle} loads neither Node's fetch (undici) nor its web streams`, () => {
      const loaded = nodeModulesLoadedBy(path.join(REPO_ROOT, bundle));
      expect(loaded.some((m) => m.startsWith("NativeModule internal/modules/cjs"))).to.equal(true, "moduleLoadList lists Node's modules");
      expect(loaded.filter((m) => /undici|webstreams/.test(m))).to.deep.equal([]);
    });
  }
});
