/**
 * Benchmarks of the claim evaluator and the planner: `node dist/bench/evaluate.js`.
 * - evaluating 100,000 random identities against 1,000 rules (compiled once), against a plain
 *   top-down scan of the same rules as a cross-check and for scale;
 * - planning 10 / 100 / 1,000-rule random shuffles with the guard enforced.
 * Seeded, so runs are comparable.
 */
import { performance } from "node:perf_hooks";
import { compileClaimRules } from "../provider/lockout/evaluate";
import { ownersCanSignIn } from "../provider/rules/ownerSafety";

const isLockoutSafe = (list: Parameters<typeof ownersCanSignIn>[0], ssoProviderExists: boolean): boolean => ownersCanSignIn(list, { ssoProviderExists });
import { minimumCalls, planClaimMappingChanges, type LiveRule } from "../provider/plan";
import { ruleKey as contentKey } from "../provider/rules/rule";
import type { ClaimRule, Claims } from "../provider/schemas/claimMappings";

let seed = 0x9e3779b9;
function random(): number {
  // xorshift32: deterministic and good enough for shuffling test data.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}
const below = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[below(items.length)]!;
const ROLES = ["Owner", "Contributor", "Creator", "Operator", "Viewer", "Interact Only"];
const CLAIMS = ["email", "groups", "department", "title"];

function randomRules(count: number): ClaimRule[] {
  return Array.from({ length: count }, () => {
    const claimName = pick(CLAIMS);
    return { claimName, claimValue: claimName === "email" ? `user${below(5000)}@x.io` : `${claimName}-${below(400)}`, role: pick(ROLES) };
  });
}

function randomIdentity(): Claims {
  return {
    email: `user${below(20000)}@x.io`,
    groups: Array.from({ length: below(6) }, () => `groups-${below(2000)}`),
    department: `department-${below(2000)}`,
  };
}

function scan(rules: readonly ClaimRule[], claims: Claims): number | null {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const value = claims[rule.claimName];
    if (value === rule.claimValue || (Array.isArray(value) && value.includes(rule.claimValue))) return i;
  }
  return null;
}

function benchEvaluate(): void {
  const rules = randomRules(1000);
  const identities = Array.from({ length: 100_000 }, randomIdentity);
  // Three passes, each compiling the rules afresh: the first includes the JIT warming up.
  const passes: number[] = [];
  let decided: (number | null)[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const start = performance.now();
    const evaluate = compileClaimRules(rules);
    decided = identities.map((claims) => evaluate(claims).ruleIndex);
    passes.push(performance.now() - start);
  }
  const matched = decided.filter((i) => i !== null).length;
  const scanStart = performance.now();
  let disagreements = 0;
  identities.forEach((claims, i) => {
    if (scan(rules, claims) !== decided[i]) disagreements++;
  });
  const scanMs = performance.now() - scanStart;
  const rate = (ms: number): string => Math.round(identities.length / (ms / 1000)).toLocaleString("en");
  const best = Math.min(...passes);
  console.log(
    `evaluate: ${identities.length.toLocaleString("en")} identities × ${rules.length} rules: first pass ${passes[0]!.toFixed(1)} ms ` +
      `(${rate(passes[0]!)} identities/s), best of 3 ${best.toFixed(1)} ms (${rate(best)} identities/s); ` +
      `${matched.toLocaleString("en")} matched; plain top-down scan ${scanMs.toFixed(1)} ms, ${disagreements} disagreements`,
  );
  if (disagreements > 0) process.exitCode = 1;
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = below(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function benchPlanner(size: number): void {
  // Distinct rules with one owner e-mail mapping on top; the shuffle keeps it there, because an owner
  // rule below a rule on another claim that grants less than Owner is shadowed (the worst-case guard).
  const seen = new Set<string>();
  const rules: ClaimRule[] = [{ claimName: "email", claimValue: "owner@x.io", role: "Owner" }];
  seen.add(contentKey(rules[0]!));
  while (rules.length < size) {
    const [rule] = randomRules(1);
    if (rule!.claimName === "email" && rule!.role === "Owner") continue;
    if (seen.has(contentKey(rule!))) continue;
    seen.add(contentKey(rule!));
    rules.push(rule!);
  }
  const live: LiveRule[] = rules.map((r, i) => ({ ...r, id: `rule-${i}` }));
  const desired = [rules[0]!, ...shuffled(rules.slice(1))];
  const options = { ssoProviderExists: true, enforceGuard: true };
  const start = performance.now();
  const plan = planClaimMappingChanges(live, desired, options);
  const ms = performance.now() - start;
  const bound = minimumCalls(live.map(contentKey), desired.map(contentKey));
  const safe = plan.intermediatesSafe && isLockoutSafe(desired, true);
  console.log(
    `plan: ${size} rules shuffled → ${plan.apiCalls} API calls (lower bound ${bound}) in ${ms.toFixed(1)} ms, ` +
      `intermediate lists safe: ${safe}`,
  );
  if (!safe) process.exitCode = 1;
}

benchEvaluate();
for (const size of [10, 100, 1000]) benchPlanner(size);
