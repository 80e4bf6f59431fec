/**
 * The workspace's own lockout check and the provider's are written apart on purpose (a server must
 * not trust its client); this holds them to the same verdict on random lists, so neither drifts from
 * the contract's rule 2 without the other.
 */
import { expect } from "chai";
import fc from "fast-check";
import { hasReachableOwnerEmailRule } from "../../emulator/lockoutGuard";
import { OWNER_ROLE_ID } from "../../emulator/store/presetRoles";
import { findOwnerEmailRules, ownersCanSignIn } from "../../provider/rules/ownerSafety";

const ROLE_IDS = { Owner: OWNER_ROLE_ID, Viewer: "viewer-role", Operator: "operator-role" } as const;

const ruleArbitrary = fc.record({
  claimName: fc.constantFrom("email", "email", "groups", "department"),
  claimValue: fc.constantFrom("a", "b", "c"),
  role: fc.constantFrom("Owner", "Viewer", "Operator") as fc.Arbitrary<keyof typeof ROLE_IDS>,
});

describe("the workspace's lockout check and the provider's agree", () => {
  it("on whether a list keeps an owner e-mail rule reachable for an owner with unknown claims (5,000 random lists)", () => {
    fc.assert(
      fc.property(fc.array(ruleArbitrary, { maxLength: 12 }), (rules) => {
        const server = hasReachableOwnerEmailRule(
          rules.map((r) => ({ claim_name: r.claimName, claim_value: r.claimValue, role_id: ROLE_IDS[r.role] })),
          new Set([OWNER_ROLE_ID]),
        );
        const provider = findOwnerEmailRules(rules).reachable.length > 0;
        expect(server, JSON.stringify(rules)).to.equal(provider);
        // With owner rules present, the provider's rules-1-and-2 check is the same question.
        if (rules.some((r) => r.claimName === "email" && r.role === "Owner")) expect(ownersCanSignIn(rules, { ssoProviderExists: true })).to.equal(server);
      }),
      { numRuns: 5000 },
    );
  });
});
