import { expect } from "chai";
import { checkLockout, formatLockoutRefusal, type LockoutViolation } from "../../../provider/lockout/guard";
import { findOwnerEmailRules, ownersCanSignIn } from "../../../provider/rules/ownerSafety";
import type { ClaimRule } from "../../../provider/schemas/claimMappings";

const rule = (claimName: string, claimValue: string, role: string): ClaimRule => ({ claimName, claimValue, role });
const owner = (address: string): ClaimRule => rule("email", address, "Owner");

const NO_OWNER: LockoutViolation = {
  rule: 1,
  code: "NO_OWNER_EMAIL_RULE",
  message: 'no owner e-mail mapping (claim "email" → Owner) while the workspace has an SSO provider: no owner could sign in with SSO',
  ruleIndexes: [],
};

describe("lockout guard", () => {
  describe("rule 1: an owner e-mail mapping must exist while there is an SSO provider", () => {
    it("passes a list with an owner e-mail mapping", () => {
      expect(checkLockout({ mappings: [owner("a@x.io"), rule("groups", "sre", "Viewer")], ssoProviderExists: true })).to.deep.equal([]);
    });

    it("refuses an empty list while the workspace has an SSO provider", () => {
      expect(checkLockout({ mappings: [], ssoProviderExists: true })).to.deep.equal([NO_OWNER]);
    });

    it("does not count a group mapped to Owner, an e-mail mapped to another role, or a differently cased claim", () => {
      const mappings = [rule("groups", "admins", "Owner"), rule("email", "a@x.io", "Contributor"), rule("Email", "b@x.io", "Owner"), rule("email", "c@x.io", "owner")];
      expect(checkLockout({ mappings, ssoProviderExists: true })).to.deep.equal([NO_OWNER]);
    });

    it("passes a list without owner e-mail mappings when the workspace has no SSO provider", () => {
      expect(checkLockout({ mappings: [rule("groups", "sre", "Viewer")], ssoProviderExists: false })).to.deep.equal([]);
    });
  });

  describe("rule 2: some owner e-mail mapping must be reachable", () => {
    it("refuses a list whose only owner e-mail rule is shadowed by an earlier rule", () => {
      const mappings = [rule("email", "a@x.io", "Viewer"), rule("groups", "sre", "Operator"), owner("a@x.io")];
      expect(checkLockout({ mappings, ssoProviderExists: true })).to.deep.equal([
        {
          rule: 2,
          code: "OWNER_EMAIL_RULES_SHADOWED",
          message: "every owner e-mail mapping is unreachable: rule 3 (email = a@x.io → Owner) is shadowed by rule 1 (email = a@x.io → Viewer)",
          ruleIndexes: [0, 2],
        },
      ]);
    });

    it("names each shadowed owner rule and the first rule with its claim and value", () => {
      const mappings = [
        rule("email", "b@x.io", "Viewer"),
        rule("email", "a@x.io", "Operator"),
        owner("a@x.io"),
        rule("email", "a@x.io", "Viewer"),
        owner("b@x.io"),
      ];
      expect(checkLockout({ mappings, ssoProviderExists: false })).to.deep.equal([
        {
          rule: 2,
          code: "OWNER_EMAIL_RULES_SHADOWED",
          message:
            "every owner e-mail mapping is unreachable: rule 3 (email = a@x.io → Owner) is shadowed by rule 2 (email = a@x.io → Operator); " +
            "rule 5 (email = b@x.io → Owner) is shadowed by rule 1 (email = b@x.io → Viewer)",
          ruleIndexes: [0, 1, 2, 4],
        },
      ]);
    });

    it("passes when at least one owner e-mail rule is reachable, even if another is shadowed", () => {
      const mappings = [rule("email", "a@x.io", "Viewer"), owner("a@x.io"), owner("b@x.io")];
      expect(checkLockout({ mappings, ssoProviderExists: true })).to.deep.equal([]);
    });

    it("passes a duplicated owner e-mail rule (the first one is reachable)", () => {
      expect(checkLockout({ mappings: [owner("a@x.io"), owner("a@x.io")], ssoProviderExists: true })).to.deep.equal([]);
    });

    it("is not fooled by a rule on another claim that gives Owner too", () => {
      const mappings = [rule("upn", "a@x.io", "Owner"), rule("groups", "admins", "Owner"), owner("a@x.io")];
      expect(checkLockout({ mappings, ssoProviderExists: true })).to.deep.equal([]);
    });

    it("refuses an owner e-mail rule below a rule on another claim that gives another role: it could match the owner's groups", () => {
      const mappings = [rule("groups", "everyone", "Viewer"), owner("owner@example.com")];
      expect(checkLockout({ mappings, breakGlassOwners: ["owner@example.com"], ssoProviderExists: true })).to.deep.equal([
        {
          rule: 2,
          code: "OWNER_EMAIL_RULES_SHADOWED",
          message:
            "every owner e-mail mapping is unreachable: rule 2 (email = owner@example.com → Owner) is shadowed by rule 1 (groups = everyone → Viewer), which could match an owner's groups",
          ruleIndexes: [0, 1],
        },
        {
          rule: 3,
          code: "BREAK_GLASS_OWNER_NOT_OWNER",
          message:
            'break-glass owner owner@example.com could get Viewer from rule 1 (groups = everyone → Viewer) if its groups claim holds "everyone" (its groups is not declared), not Owner',
          ruleIndexes: [0],
        },
      ]);
    });

    it("names the earliest rule that decides first, whichever kind it is", () => {
      const mappings = [rule("department", "ops", "Operator"), rule("email", "a@x.io", "Viewer"), owner("a@x.io")];
      const [violation] = checkLockout({ mappings, ssoProviderExists: false });
      expect(violation?.message).to.equal(
        "every owner e-mail mapping is unreachable: rule 3 (email = a@x.io → Owner) is shadowed by rule 1 (department = ops → Operator), which could match an owner's department",
      );
    });

    it("passes a shadowed owner rule when a break-glass owner declared with its claims is sure to get Owner", () => {
      const mappings = [rule("groups", "contractors", "Viewer"), owner("owner@example.com")];
      const breakGlassOwners = [{ email: "owner@example.com", groups: ["admins"] }];
      expect(checkLockout({ mappings, breakGlassOwners, ssoProviderExists: true })).to.deep.equal([]);
    });

    it("still refuses when the declared owner's own claims match the rule above", () => {
      const mappings = [rule("groups", "contractors", "Viewer"), owner("owner@example.com")];
      const breakGlassOwners = [{ email: "owner@example.com", groups: ["admins", "contractors"] }];
      expect(checkLockout({ mappings, breakGlassOwners, ssoProviderExists: true }).map((v) => v.message)).to.deep.equal([
        "every owner e-mail mapping is unreachable: rule 2 (email = owner@example.com → Owner) is shadowed by rule 1 (groups = contractors → Viewer), which could match an owner's groups",
        "break-glass owner owner@example.com (groups: admins, contractors) would get Viewer from rule 1 (groups = contractors → Viewer), not Owner",
      ]);
    });

    it("treats a claim the declared owner does not list as unknown", () => {
      const mappings = [rule("department", "ops", "Viewer"), owner("owner@example.com")];
      const breakGlassOwners = [{ email: "owner@example.com", groups: ["admins"] }];
      expect(checkLockout({ mappings, breakGlassOwners, ssoProviderExists: true }).map((v) => v.code)).to.deep.equal([
        "OWNER_EMAIL_RULES_SHADOWED",
        "BREAK_GLASS_OWNER_NOT_OWNER",
      ]);
    });
  });

  describe("rule 3: break-glass owners and expectations", () => {
    const mappings = [owner("root@x.io"), rule("email", "ops@x.io", "Viewer"), rule("groups", "sre", "Operator"), rule("groups", "sre", "Viewer")];

    it("passes break-glass owners that resolve to Owner", () => {
      expect(checkLockout({ mappings, breakGlassOwners: ["root@x.io"], ssoProviderExists: true })).to.deep.equal([]);
    });

    it("refuses a break-glass owner that would get another role, naming the deciding rule", () => {
      expect(checkLockout({ mappings, breakGlassOwners: ["root@x.io", "ops@x.io"], ssoProviderExists: true })).to.deep.equal([
        {
          rule: 3,
          code: "BREAK_GLASS_OWNER_NOT_OWNER",
          message: "break-glass owner ops@x.io would get Viewer from rule 2 (email = ops@x.io → Viewer), not Owner",
          ruleIndexes: [1],
        },
      ]);
    });

    it("refuses a break-glass owner no rule matches (e-mails are case-sensitive)", () => {
      expect(checkLockout({ mappings: mappings.slice(0, 2), breakGlassOwners: ["Root@x.io"], ssoProviderExists: true })).to.deep.equal([
        { rule: 3, code: "BREAK_GLASS_OWNER_NOT_OWNER", message: "break-glass owner Root@x.io would match no rule, not Owner", ruleIndexes: [] },
      ]);
    });

    it("checks each expectation and shows claims, expected and actual role and the deciding rule", () => {
      const violations = checkLockout({
        mappings,
        expectations: [
          { claims: { email: "root@x.io", groups: ["sre"] }, role: "Owner" },
          { claims: { email: "dev@x.io", groups: ["web", "sre"] }, role: "Viewer" },
          { claims: { email: "ops@x.io" }, role: null },
          { claims: { email: "nobody@x.io" }, role: "Viewer" },
          { claims: { email: "nobody@x.io" }, role: null },
        ],
        ssoProviderExists: true,
      });
      expect(violations).to.deep.equal([
        {
          rule: 3,
          code: "EXPECTATION_FAILED",
          message: 'expectation failed for claims {"email":"dev@x.io","groups":["web","sre"]}: expected Viewer, got Operator from rule 3 (groups = sre → Operator)',
          ruleIndexes: [2],
        },
        {
          rule: 3,
          code: "EXPECTATION_FAILED",
          message: 'expectation failed for claims {"email":"ops@x.io"}: expected no rule to match, got Viewer from rule 2 (email = ops@x.io → Viewer)',
          ruleIndexes: [1],
        },
        {
          rule: 3,
          code: "EXPECTATION_FAILED",
          message: 'expectation failed for claims {"email":"nobody@x.io"}: expected Viewer, but no rule matches',
          ruleIndexes: [],
        },
      ]);
    });

    it("reports every violation at once, guard rules in order", () => {
      const list = [rule("groups", "sre", "Viewer")];
      const violations = checkLockout({
        mappings: list,
        breakGlassOwners: ["root@x.io"],
        expectations: [{ claims: { groups: "sre" }, role: "Operator" }],
        ssoProviderExists: true,
      });
      expect(violations.map((v) => [v.rule, v.code])).to.deep.equal([
        [1, "NO_OWNER_EMAIL_RULE"],
        [3, "BREAK_GLASS_OWNER_NOT_OWNER"],
        [3, "EXPECTATION_FAILED"],
      ]);
    });
  });

  describe("ownersCanSignIn (rules 1 and 2, for every intermediate list of a plan)", () => {
    const cases: { name: string; mappings: ClaimRule[]; sso: boolean; safe: boolean }[] = [
      { name: "a reachable owner e-mail rule", mappings: [owner("a"), rule("groups", "x", "Viewer")], sso: true, safe: true },
      { name: "an owner e-mail rule below a group rule giving Viewer", mappings: [rule("groups", "x", "Viewer"), owner("a")], sso: true, safe: false },
      { name: "an owner e-mail rule below a group rule giving Owner", mappings: [rule("groups", "x", "Owner"), owner("a")], sso: true, safe: true },
      { name: "no rules, with an SSO provider", mappings: [], sso: true, safe: false },
      { name: "no rules, without an SSO provider", mappings: [], sso: false, safe: true },
      { name: "only shadowed owner rules, without an SSO provider", mappings: [rule("email", "a", "Viewer"), owner("a")], sso: false, safe: false },
      { name: "only shadowed owner rules, with an SSO provider", mappings: [rule("email", "a", "Viewer"), owner("a")], sso: true, safe: false },
      { name: "one shadowed, one reachable", mappings: [rule("email", "a", "Viewer"), owner("a"), owner("b")], sso: true, safe: true },
      { name: "a lone owner e-mail rule", mappings: [owner("a")], sso: true, safe: true },
    ];
    for (const { name, mappings, sso, safe } of cases) {
      it(`${safe ? "accepts" : "refuses"} ${name}`, () => {
        expect(ownersCanSignIn(mappings, { ssoProviderExists: sso })).to.equal(safe);
        const violations = checkLockout({ mappings, ssoProviderExists: sso });
        expect(violations.length === 0).to.equal(safe);
      });
    }
  });

  it("findOwnerEmailRules tells reachable owner rules from shadowed ones", () => {
    const found = findOwnerEmailRules([owner("a"), rule("email", "b", "Viewer"), owner("b"), owner("a"), owner("c"), rule("groups", "g", "Viewer"), owner("d")]);
    expect(found.indexes).to.deep.equal([0, 2, 3, 4, 6]);
    expect(found.reachable).to.deep.equal([0, 4]);
    expect([...found.shadowedBy]).to.deep.equal([
      [2, 1],
      [3, 0],
      [6, 5],
    ]);
  });

  describe("formatLockoutRefusal", () => {
    it("says lockout, lists the violations and how to proceed, for a preview", () => {
      const mappings = [rule("email", "a@x.io", "Viewer"), owner("a@x.io")];
      const message = formatLockoutRefusal(checkLockout({ mappings, ssoProviderExists: true }), "preview");
      expect(message).to.equal(
        [
          "lockout guard: refusing this claim-mapping list because it could lock the workspace owners out of SSO sign-in:",
          "  - OWNER_EMAIL_RULES_SHADOWED: every owner e-mail mapping is unreachable: rule 2 (email = a@x.io → Owner) is shadowed by rule 1 (email = a@x.io → Viewer)",
          "To proceed: fix the order: put an owner e-mail rule above the rule that shadows it, or remove the shadowing rule; or set allowLockout: true on the ClaimMappings resource deliberately.",
        ].join("\n"),
      );
    });

    it("tells to add the new owner e-mail rule before removing the old one when none is left", () => {
      const message = formatLockoutRefusal([NO_OWNER], "preview");
      expect(message).to.equal(
        [
          "lockout guard: refusing this claim-mapping list because it could lock the workspace owners out of SSO sign-in:",
          `  - NO_OWNER_EMAIL_RULE: ${NO_OWNER.message}`,
          'To proceed: keep an owner e-mail rule (claimName "email", role "Owner") for an address an owner signs in with; when replacing one, add the new owner e-mail rule before removing the old one; or set allowLockout: true on the ClaimMappings resource deliberately.',
        ].join("\n"),
      );
    });

    it("gives one piece of advice per kind of violation", () => {
      const violations = checkLockout({
        mappings: [rule("email", "ops@x.io", "Viewer")],
        breakGlassOwners: ["ops@x.io"],
        expectations: [{ claims: { email: "ops@x.io" }, role: null }],
        ssoProviderExists: true,
      });
      const last = formatLockoutRefusal(violations, "preview").split("\n").at(-1);
      expect(last).to.equal(
        'To proceed: keep an owner e-mail rule (claimName "email", role "Owner") for an address an owner signs in with; when replacing one, add the new owner e-mail rule before removing the old one; ' +
          "give each break-glass owner an owner e-mail rule above any rule that could match it (a rule on a claim it does not declare could), or declare its other claims, or change breakGlassOwners; " +
          "change the rules (or the expectation) until each expectation holds; or set allowLockout: true on the ClaimMappings resource deliberately.",
      );
    });

    it("explains that deleting ClaimMappings removes the owner e-mail mappings, and how to proceed", () => {
      const current = [rule("groups", "sre", "Viewer"), owner("a@x.io"), owner("b@x.io")];
      const message = formatLockoutRefusal(checkLockout({ mappings: [], ssoProviderExists: true }), "delete", current);
      expect(message).to.equal(
        [
          "lockout guard: refusing to delete ClaimMappings: deleting it removes every claim-mapping rule, including the owner e-mail mappings (rule 2: email = a@x.io → Owner; rule 3: email = b@x.io → Owner), and the workspace would be left without a way for its owners to sign in with SSO.",
          `  - NO_OWNER_EMAIL_RULE: ${NO_OWNER.message}`,
          "To proceed: set allowLockout: true on the ClaimMappings resource deliberately, run pulumi up, then destroy; or remove the SsoProvider first.",
        ].join("\n"),
      );
    });
  });
});
