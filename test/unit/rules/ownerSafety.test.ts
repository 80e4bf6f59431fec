import { expect } from "chai";
import fc from "fast-check";
import { evaluateClaims } from "../../../provider/lockout/evaluate";
import { checkLockout } from "../../../provider/lockout/guard";
import { findOwnerEmailRules, ownerClaims, ownersCanSignIn, worstCaseRole } from "../../../provider/rules/ownerSafety";
import type { BreakGlassOwner, ClaimRule, Claims } from "../../../provider/schemas/claimMappings";

const CLAIMS = ["email", "groups", "department"] as const;
const VALUES = ["a", "b", "c"];

const ruleArbitrary: fc.Arbitrary<ClaimRule> = fc.record({
  claimName: fc.constantFrom(...CLAIMS),
  claimValue: fc.constantFrom(...VALUES),
  role: fc.constantFrom("Owner", "Owner", "Viewer", "Operator"),
});

/** An owner: a plain address, or an identity declaring some of its other claims. */
const ownerArbitrary: fc.Arbitrary<BreakGlassOwner> = fc.oneof(
  fc.constantFrom(...VALUES),
  fc.record(
    {
      email: fc.constantFrom(...VALUES),
      groups: fc.subarray(VALUES),
      claims: fc.record({ department: fc.constantFrom(...VALUES) }),
    },
    { requiredKeys: ["email"] },
  ),
);

/** Every value the claims an identity does not declare could hold, as far as the list can tell (any subset of the values it uses). */
function everyCompletion(known: Claims): Claims[] {
  let completions: Claims[] = [{ ...known }];
  for (const name of CLAIMS) {
    if (name in known) continue;
    const subsets: string[][] = [[]];
    for (const value of VALUES) for (const subset of [...subsets]) subsets.push([...subset, value]);
    completions = completions.flatMap((claims) => subsets.map((subset) => ({ ...claims, [name]: subset })));
  }
  return completions;
}

describe("owner safety (guard rules 1 and 2, worst case over unknown claims)", () => {
  it("whenever the guard passes, every break-glass owner gets Owner for every value of its undeclared claims", () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.array(ruleArbitrary, { maxLength: 8 }), fc.array(ownerArbitrary, { minLength: 1, maxLength: 3 }), fc.boolean(), (mappings, owners, sso) => {
        if (checkLockout({ mappings, breakGlassOwners: owners, ssoProviderExists: sso }).length > 0) return;
        checked++;
        for (const owner of owners) {
          for (const claims of everyCompletion(ownerClaims(owner))) {
            expect(evaluateClaims(mappings, claims).role, `${JSON.stringify(owner)} as ${JSON.stringify(claims)}`).to.equal("Owner");
          }
        }
      }),
      { numRuns: 2000 },
    );
    expect(checked).to.be.above(100);
  });

  it("worstCaseRole is guaranteed exactly when every completion of the declared claims gets Owner", () => {
    fc.assert(
      fc.property(fc.array(ruleArbitrary, { maxLength: 8 }), ownerArbitrary, (mappings, owner) => {
        const claims = ownerClaims(owner);
        const always = everyCompletion(claims).every((completion) => evaluateClaims(mappings, completion).role === "Owner");
        expect(worstCaseRole(mappings, claims).guaranteed).to.equal(always);
      }),
      { numRuns: 2000 },
    );
  });

  it("a list passes rule 2 for an unknown owner exactly when some owner e-mail address gets Owner whatever else the owner presents", () => {
    fc.assert(
      fc.property(fc.array(ruleArbitrary, { maxLength: 8 }), (mappings) => {
        const owners = findOwnerEmailRules(mappings);
        fc.pre(owners.indexes.length > 0);
        const someAddressSafe = owners.indexes.some((i) =>
          everyCompletion({ email: mappings[i]!.claimValue }).every((claims) => evaluateClaims(mappings, claims).role === "Owner"),
        );
        expect(ownersCanSignIn(mappings, { ssoProviderExists: true })).to.equal(someAddressSafe);
        expect(owners.reachable.length > 0).to.equal(someAddressSafe);
      }),
      { numRuns: 2000 },
    );
  });
});
