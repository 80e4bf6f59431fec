import { expect } from "chai";
import fc from "fast-check";
import { compileClaimRules, evaluateClaims, type ClaimEvaluation } from "../../../provider/lockout/evaluate";
import type { ClaimRule, Claims } from "../../../provider/schemas/claimMappings";

const rule = (claimName: string, claimValue: string, role: string): ClaimRule => ({ claimName, claimValue, role });

const MAPPINGS: ClaimRule[] = [
  rule("email", "alice@x.io", "Owner"),
  rule("groups", "sre", "Operator"),
  rule("email", "bob@x.io", "Viewer"),
  rule("groups", "dev", "Creator"),
  rule("groups", "sre", "Viewer"), // unreachable: rule 2 has the same claim and value
  rule("department", "Security", "Contributor"),
];

describe("evaluateClaims", () => {
  const cases: { name: string; claims: Claims; expected: ClaimEvaluation }[] = [
    { name: "an e-mail that equals a rule's value", claims: { email: "alice@x.io" }, expected: { role: "Owner", ruleIndex: 0 } },
    { name: "a list-valued claim: any element matches", claims: { groups: ["web", "dev"] }, expected: { role: "Creator", ruleIndex: 3 } },
    {
      name: "the first matching rule decides, not the most privileged",
      claims: { email: "bob@x.io", groups: ["dev", "sre"] },
      expected: { role: "Operator", ruleIndex: 1 },
    },
    { name: "an earlier rule hides a later one with the same claim and value", claims: { groups: ["sre"] }, expected: { role: "Operator", ruleIndex: 1 } },
    { name: "values are case-sensitive", claims: { email: "Alice@x.io", department: "security" }, expected: { role: null, ruleIndex: null } },
    { name: "claim names are case-sensitive", claims: { Email: "alice@x.io" }, expected: { role: null, ruleIndex: null } },
    { name: "no rule matches", claims: { email: "carol@x.io", groups: ["web"] }, expected: { role: null, ruleIndex: null } },
    { name: "no claims at all", claims: {}, expected: { role: null, ruleIndex: null } },
    { name: "an empty list-valued claim", claims: { groups: [] }, expected: { role: null, ruleIndex: null } },
    { name: "a string claim does not match by substring", claims: { groups: "sre,dev" }, expected: { role: null, ruleIndex: null } },
    { name: "a single-valued claim given as a list", claims: { email: ["carol@x.io", "bob@x.io"] }, expected: { role: "Viewer", ruleIndex: 2 } },
    { name: "a claim no rule mentions is ignored", claims: { title: "CISO", department: "Security" }, expected: { role: "Contributor", ruleIndex: 5 } },
  ];
  for (const { name, claims, expected } of cases) {
    it(name, () => {
      expect(evaluateClaims(MAPPINGS, claims)).to.deep.equal(expected);
    });
  }

  it("gives no role with no rules", () => {
    expect(evaluateClaims([], { email: "alice@x.io" })).to.deep.equal({ role: null, ruleIndex: null });
  });

  it("does not read inherited properties of the claims object", () => {
    expect(evaluateClaims([rule("toString", "x", "Owner")], {})).to.deep.equal({ role: null, ruleIndex: null });
  });
});

describe("compileClaimRules", () => {
  it("answers like a plain top-down scan for any rules and identities", () => {
    const value = fc.constantFrom("a", "b", "c", "A");
    const name = fc.constantFrom("email", "groups", "Email");
    const ruleArb = fc.record({ claimName: name, claimValue: value, role: fc.constantFrom("Owner", "Viewer", "Operator") });
    const claimsArb = fc.dictionary(name, fc.oneof(value, fc.array(value, { maxLength: 3 })));
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 8 }), fc.array(claimsArb, { maxLength: 5 }), (rules, identities) => {
        const evaluate = compileClaimRules(rules);
        for (const claims of identities) {
          const index = rules.findIndex((r) => {
            const v = claims[r.claimName];
            return Object.hasOwn(claims, r.claimName) && (v === r.claimValue || (Array.isArray(v) && v.includes(r.claimValue)));
          });
          const expected = index === -1 ? { role: null, ruleIndex: null } : { role: rules[index]!.role, ruleIndex: index };
          expect(evaluate(claims)).to.deep.equal(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("is not affected by later changes to the array it compiled", () => {
    const rules = [rule("email", "a@x.io", "Owner")];
    const evaluate = compileClaimRules(rules);
    rules[0] = rule("email", "a@x.io", "Viewer");
    expect(evaluate({ email: "a@x.io" })).to.deep.equal({ role: "Owner", ruleIndex: 0 });
  });
});
