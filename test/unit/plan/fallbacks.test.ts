import { expect } from "chai";
import fc from "fast-check";
import { ownersCanSignIn } from "../../../provider/rules/ownerSafety";

const isLockoutSafe = (list: Parameters<typeof ownersCanSignIn>[0], ssoProviderExists: boolean): boolean => ownersCanSignIn(list, { ssoProviderExists });
import { applyPlanToList, minimumCalls, planClaimMappingChanges } from "../../../provider/plan";
import { anchorPlan } from "../../../provider/plan/anchorPlan";
import { orderSafely } from "../../../provider/plan/orderSafely";
import { chooseStructure,  } from "../../../provider/plan/structure";
import { ruleKey as contentKey } from "../../../provider/rules/rule";
import type { ClaimRule } from "../../../provider/schemas/claimMappings";
import { contents, group, ownerEmail, rule, withIds } from "./fixtures";
import { firstLockoutStep } from "./walk";

const ruleArbitrary: fc.Arbitrary<ClaimRule> = fc.record({
  claimName: fc.constantFrom("email", "email", "groups"),
  claimValue: fc.constantFrom("a", "b", "c"),
  role: fc.constantFrom("Owner", "Viewer"),
});

describe("planner fallbacks", () => {
  it("the anchored plan always reaches the desired list without a lockout in between", () => {
    fc.assert(
      fc.property(fc.array(ruleArbitrary, { maxLength: 12 }), fc.array(ruleArbitrary, { maxLength: 12 }), fc.boolean(), (live, desired, sso) => {
        fc.pre(isLockoutSafe(desired, sso));
        const ops = anchorPlan(withIds(live), desired, { ssoProviderExists: sso, enforceGuard: true });
        expect(ops).to.not.equal(null);
        expect(contents(applyPlanToList(withIds(live), ops!))).to.deep.equal(desired);
        expect(firstLockoutStep(withIds(live), ops!, sso)).to.equal(null);
      }),
      { numRuns: 500 },
    );
  });

  it("gives up on anchoring only when the desired list itself fails the guard", () => {
    const shadowed = [rule("email", "a", "Viewer"), ownerEmail("a")];
    expect(anchorPlan(withIds([ownerEmail("a")]), shadowed, { ssoProviderExists: true, enforceGuard: true })).to.equal(null);
  });

  // Twenty shared rules on top put these past the exact search's size, unless it skips them. They
  // give Owner, so they shadow no owner e-mail rule below them.
  const shared = Array.from({ length: 20 }, (_, i) => group(`shared-${i}`, "Owner"));
  const noSso = { ssoProviderExists: false, enforceGuard: true };
  const hard: { name: string; live: ClaimRule[]; desired: ClaimRule[]; calls: number }[] = [
    {
      name: "owner rules must all go at once (no SSO provider): another pairing of rules does it in the bound",
      live: [rule("email", "a", "Viewer"), ownerEmail("b"), ownerEmail("b"), ownerEmail("b"), rule("groups", "a", "Viewer")],
      desired: [rule("email", "b", "Viewer"), rule("email", "b", "Viewer"), rule("email", "a", "Viewer")],
      calls: 4,
    },
    {
      name: "the guard costs a call (no SSO provider, owner rule created behind its shadow)",
      live: [group("b"), rule("email", "a", "Viewer")],
      desired: [group("b", "Owner"), rule("email", "a", "Viewer"), ownerEmail("a"), ownerEmail("a"), ownerEmail("b")],
      calls: 5,
    },
  ];
  for (const { name, live, desired, calls } of hard) {
    it(`long lists whose shortest structure has no safe order: ${name}`, () => {
      const liveRules = withIds([...shared, ...live]);
      const wanted = [...shared, ...desired];
      for (const preference of ["keepMost", "prefix"] as const) {
        expect(orderSafely(liveRules, wanted, chooseStructure(liveRules, wanted, preference), noSso)).to.equal(null);
      }
      const plan = planClaimMappingChanges(liveRules, wanted, noSso);
      expect(plan.apiCalls).to.equal(calls);
      expect(minimumCalls(liveRules.map(contentKey), wanted.map(contentKey))).to.equal(4);
      expect(contents(applyPlanToList(liveRules, plan.ops))).to.deep.equal(wanted);
      expect(firstLockoutStep(liveRules, plan.ops, false)).to.equal(null);
    });
  }
});
