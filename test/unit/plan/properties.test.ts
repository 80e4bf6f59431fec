import { expect } from "chai";
import fc from "fast-check";
import { ownersCanSignIn } from "../../../provider/rules/ownerSafety";

const isLockoutSafe = (list: Parameters<typeof ownersCanSignIn>[0], ssoProviderExists: boolean): boolean => ownersCanSignIn(list, { ssoProviderExists });
import { applyPlanToList, minimumCalls, planClaimMappingChanges } from "../../../provider/plan";
import { ruleKey as contentKey } from "../../../provider/rules/rule";
import type { ClaimRule } from "../../../provider/schemas/claimMappings";
import { contents, withIds } from "./fixtures";
import { shortestSafeSequence } from "./referee";
import { firstLockoutStep } from "./walk";

/**
 * Small alphabets so that duplicates, shadowing and owner e-mail rules are common: two values, the
 * e-mail claim most of the time, Owner for half of those.
 */
function ruleArbitrary(values: readonly string[]): fc.Arbitrary<ClaimRule> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ claimName: fc.constant("email"), claimValue: fc.constantFrom(...values), role: fc.constantFrom("Owner", "Viewer") }) },
    { weight: 2, arbitrary: fc.record({ claimName: fc.constant("groups"), claimValue: fc.constantFrom(...values), role: fc.constantFrom("Viewer", "Owner") }) },
  );
}

const pairArbitrary = (maxLength: number, values: readonly string[]) =>
  fc.record({
    live: fc.array(ruleArbitrary(values), { maxLength }),
    desired: fc.array(ruleArbitrary(values), { maxLength }),
    ssoProviderExists: fc.boolean(),
    enforceGuard: fc.boolean(),
  });

describe("planClaimMappingChanges properties", () => {
  it("(a) applying the plan to the live list gives exactly the desired list", () => {
    fc.assert(
      fc.property(pairArbitrary(10, ["a", "b", "c"]), ({ live, desired, ssoProviderExists, enforceGuard }) => {
        const plan = planClaimMappingChanges(withIds(live), desired, { ssoProviderExists, enforceGuard });
        expect(contents(applyPlanToList(withIds(live), plan.ops))).to.deep.equal(desired);
        expect(plan.apiCalls).to.equal(plan.ops.length);
      }),
      { numRuns: 1000 },
    );
  });

  it("(b) with the guard enforced, no intermediate list breaks rules 1 or 2 once one passes them", () => {
    fc.assert(
      fc.property(pairArbitrary(10, ["a", "b"]), ({ live, desired, ssoProviderExists }) => {
        fc.pre(isLockoutSafe(desired, ssoProviderExists));
        const plan = planClaimMappingChanges(withIds(live), desired, { ssoProviderExists, enforceGuard: true });
        expect(firstLockoutStep(withIds(live), plan.ops, ssoProviderExists)).to.equal(null);
        expect(plan.intermediatesSafe).to.equal(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("(b) holds for larger lists with more distinct rules too", () => {
    fc.assert(
      fc.property(pairArbitrary(40, ["a", "b", "c", "d", "e", "f"]), ({ live, desired, ssoProviderExists }) => {
        fc.pre(isLockoutSafe(live, ssoProviderExists) && isLockoutSafe(desired, ssoProviderExists));
        const plan = planClaimMappingChanges(withIds(live), desired, { ssoProviderExists, enforceGuard: true });
        expect(contents(applyPlanToList(withIds(live), plan.ops))).to.deep.equal(desired);
        expect(firstLockoutStep(withIds(live), plan.ops, ssoProviderExists)).to.equal(null);
      }),
      { numRuns: 200 },
    );
  });

  it("without the guard, the plan costs exactly max(n, m) - LCS(live, desired[0..min(n, m)))", () => {
    fc.assert(
      fc.property(pairArbitrary(12, ["a", "b"]), ({ live, desired, ssoProviderExists }) => {
        const plan = planClaimMappingChanges(withIds(live), desired, { ssoProviderExists, enforceGuard: false });
        expect(plan.apiCalls).to.equal(minimumCalls(live.map(contentKey), desired.map(contentKey)));
      }),
      { numRuns: 1000 },
    );
  });

  it("(c) no shorter sequence respecting the guard exists (exhaustive search, up to 6 rules each side)", function () {
    this.timeout(120_000);
    let searched = 0;
    fc.assert(
      fc.property(pairArbitrary(6, ["a", "b"]), ({ live, desired, ssoProviderExists, enforceGuard }) => {
        const plan = planClaimMappingChanges(withIds(live), desired, { ssoProviderExists, enforceGuard });
        if (plan.apiCalls === 0) return;
        searched++;
        const shorter = shortestSafeSequence(live, desired, { ssoProviderExists, enforceGuard, maxLength: plan.apiCalls - 1 });
        expect(shorter, `a ${shorter}-call sequence exists; the plan has ${plan.apiCalls}`).to.equal(null);
      }),
      { numRuns: 200 },
    );
    expect(searched).to.be.above(150);
  });

  it("(c) no shorter sequence exists when the guard decides the order (both lists pass it)", function () {
    this.timeout(120_000);
    fc.assert(
      fc.property(pairArbitrary(6, ["a", "b"]), ({ live, desired, ssoProviderExists }) => {
        fc.pre(isLockoutSafe(live, ssoProviderExists) && isLockoutSafe(desired, ssoProviderExists));
        const options = { ssoProviderExists, enforceGuard: true };
        const plan = planClaimMappingChanges(withIds(live), desired, options);
        if (plan.apiCalls === 0) return;
        expect(shortestSafeSequence(live, desired, { ...options, maxLength: plan.apiCalls - 1 })).to.equal(null);
      }),
      { numRuns: 200 },
    );
  });
});
