/**
 * What the benchmarks that time real `pulumi` runs share: reading a `--name value` flag, timing one
 * run, the median of several, and the rule list most of them declare.
 */
import { performance } from "node:perf_hooks";
import type { ClaimRule } from "../provider/schemas/claimMappings";
import type { PulumiProject } from "../test/e2e/harness";

/** `count` rules: the owner e-mail rule the guard wants first, then group rules giving Viewer. */
export function ownerAndViewers(count: number): ClaimRule[] {
  return [
    { claimName: "email", claimValue: "owner@example.com", role: "Owner" },
    ...Array.from({ length: count - 1 }, (_, i) => ({ claimName: "groups", claimValue: `group-${i + 1}`, role: "Viewer" })),
  ];
}

/** The value after `--name` on the command line, or the fallback. */
export function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

/** The median of some measurements. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The wall time, in ms, of one `pulumi` command that must succeed. */
export async function timed(project: PulumiProject, args: string[]): Promise<number> {
  const started = performance.now();
  await project.ok(args);
  return performance.now() - started;
}
