/**
 * The program of a baseline declared in the fleet file: an Automation API inline program that
 * declares the workspace's `ClaimMappings` (the baseline's rules, then the workspace's own), run in
 * this process — no language host, no TypeScript to compile per stack — and the project folder the
 * engine runs it in.
 *
 * The engine starts the dynamic-provider host in that folder, and the host loads `@pulumi/pulumi` and
 * this package from it; so the folder's node_modules link to the very copies this process uses (a
 * program and its provider must share one `@pulumi/pulumi`).
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { ClaimMappings } from "../sdk/claimMappings";
import type { FleetRules } from "./loadFleetFile";

/** The inline program that declares `rules` as the stack's one `ClaimMappings`. */
export function rulesProgram(rules: FleetRules): PulumiFn {
  return async () => {
    const { resourceName, mappings, breakGlassOwners, expectations, overwriteExisting } = rules;
    const resource = new ClaimMappings(resourceName, { mappings, breakGlassOwners, expectations, overwriteExisting });
    return { ruleCount: resource.mappings.apply((applied) => applied.length) };
  };
}

/** The root of this package (the folder of its package.json). */
function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-torq-sso") return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`pulumi-torq-sso: no package.json above ${__dirname}`);
    dir = parent;
  }
}

/** Makes `dir` the project folder of the inline program: Pulumi.yaml, and node_modules linking this package and its @pulumi/pulumi. */
export function prepareRulesProject(dir: string, project: string): void {
  const modules = path.join(dir, "node_modules");
  mkdirSync(path.join(modules, "@pulumi"), { recursive: true });
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\ndescription: pulumi-torq-sso fleet baseline (torq-sso fleet)\n`);
  symlinkSync(path.dirname(require.resolve("@pulumi/pulumi/package.json")), path.join(modules, "@pulumi", "pulumi"));
  symlinkSync(packageRoot(), path.join(modules, "pulumi-torq-sso"));
}
