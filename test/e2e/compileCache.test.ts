/**
 * Node's compile cache across `pulumi preview` runs of a dynamic-provider program. `@pulumi/pulumi`
 * turns on V8's --allow-natives-syntax in the middle of a run that serializes a function, which
 * changes the flag hash V8 stamps on code caches; unless the program starts with that flag (this
 * checkout's language host, scripts/langhost, starts every program with it), the program and the
 * dynamic-provider host reject each other's entries and rewrite them on every preview.
 */
import { expect } from "chai";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { PulumiProject } from "./harness";
import { useScene } from "./scene";

const PROGRAM = `import * as torq from "pulumi-torq-sso";
new torq.ClaimMappings("rules", {
  mappings: [
    { claimName: "email", claimValue: "owner@example.com", role: "Owner" },
    { claimName: "groups", claimValue: "engineering", role: "Operator" },
  ],
});
`;

/** The cache entries under `dir` written at or after `since` (ms since the epoch). */
function entriesWrittenSince(dir: string, since: number): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => statSync(file).mtimeMs >= since);
}

describe("Node's compile cache across previews of a dynamic-provider program", function () {
  this.timeout(240_000);
  let project: PulumiProject;
  let cacheDir: string;
  useScene({ ssoProvider: true, project: { program: PROGRAM } }, (scene) => ({ project } = scene));
  before(async () => {
    cacheDir = mkdtempSync(path.join(tmpdir(), "torq-sso-compile-cache-"));
    await project.ok(["up", "--yes", "--skip-preview"]);
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("is written by the first previews, then reused: a third preview rewrites no entry", async () => {
    const env = { NODE_COMPILE_CACHE: cacheDir };
    for (let run = 0; run < 2; run++) expect((await project.run(["preview", "--expect-no-changes"], env)).code).to.equal(0);
    const written = entriesWrittenSince(cacheDir, 0);
    expect(written.length, "entries written by two previews").to.be.greaterThan(100);
    // mtimes have at least millisecond resolution here; wait past the last write.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const start = Date.now();
    expect((await project.run(["preview", "--expect-no-changes"], env)).code).to.equal(0);
    expect(entriesWrittenSince(cacheDir, start), "entries the third preview rewrote").to.deep.equal([]);
  });
});
