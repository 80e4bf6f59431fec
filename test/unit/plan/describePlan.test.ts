import { expect } from "chai";
import { describePlan, planClaimMappingChanges, type ClaimMappingOperation } from "../../../provider/plan";
import type { ClaimRule } from "../../../provider/schemas/claimMappings";
import { group, ownerEmail, rule, withIds } from "./fixtures";

describe("describePlan", () => {
  const cases: { name: string; live: ClaimRule[]; desired: ClaimRule[]; lines: string[] }[] = [
    {
      name: "a delete, a move and an edit",
      live: [ownerEmail("a@x.io"), group("old"), group("dev"), group("sre"), group("web")],
      desired: [ownerEmail("a@x.io"), group("web"), group("dev"), group("sre", "Operator")],
      lines: ["- 2. groups = old → Viewer", "↕ groups = web: 5 → 2", "~ 4. groups = sre: role Viewer → Operator", "3 API call(s)"],
    },
    {
      name: "rules appended",
      live: [ownerEmail("a@x.io")],
      desired: [ownerEmail("a@x.io"), group("new"), ownerEmail("b@x.io")],
      lines: ["+ 2. groups = new → Viewer", "+ 3. email = b@x.io → Owner", "2 API call(s)"],
    },
    {
      name: "a rule re-used for another (one PATCH rather than a delete and a create)",
      live: [ownerEmail("a@x.io"), group("old"), group("dev"), group("sre"), group("web")],
      desired: [ownerEmail("a@x.io"), group("web"), group("dev"), group("sre", "Operator"), ownerEmail("b@x.io")],
      lines: [
        "↕ groups = web: 5 → 2",
        "~ 4. groups = sre: role Viewer → Operator",
        "~ 5. groups = old: claim groups → email, value old → b@x.io, role Viewer → Owner",
        "↕ email = b@x.io: 2 → 5",
        "3 API call(s)",
      ],
    },
    {
      name: "an edit that also moves the rule",
      live: [ownerEmail("a@x.io"), group("x")],
      desired: [group("x"), ownerEmail("b@x.io")],
      lines: ["~ 2. email = a@x.io: value a@x.io → b@x.io", "↕ email = b@x.io: 1 → 2", "1 API call(s)"],
    },
    {
      name: "a rule turned into another claim",
      live: [ownerEmail("a@x.io"), group("x")],
      desired: [ownerEmail("a@x.io"), rule("department", "ops", "Operator")],
      lines: ["~ 2. groups = x: claim groups → department, value x → ops, role Viewer → Operator", "1 API call(s)"],
    },
    {
      name: "an insertion at the top (created, then moved: shown as created where it ends)",
      live: [ownerEmail("a@x.io")],
      desired: [group("sre", "Operator"), ownerEmail("a@x.io")],
      lines: ["+ 1. groups = sre → Operator", "2 API call(s)"],
    },
    { name: "nothing to do", live: [ownerEmail("a@x.io")], desired: [ownerEmail("a@x.io")], lines: ["0 API call(s)"] },
  ];
  for (const { name, live, desired, lines } of cases) {
    it(`summarises ${name}`, () => {
      const liveRules = withIds(live);
      const plan = planClaimMappingChanges(liveRules, desired, { ssoProviderExists: true, enforceGuard: true });
      expect(describePlan(liveRules, plan.ops)).to.deep.equal(lines);
    });
  }

  it("describes given operations, whatever planned them", () => {
    const live = withIds([group("a"), group("b"), ownerEmail("o")]);
    const ops: ClaimMappingOperation[] = [
      { kind: "delete", id: "r1" },
      { kind: "update", id: "r3", set: { rank: 1, role: "Viewer" } },
      { kind: "create", rule: ownerEmail("p"), tempId: "new:1" },
    ];
    expect(describePlan(live, ops)).to.deep.equal([
      "- 1. groups = a → Viewer",
      "~ 1. email = o: role Owner → Viewer",
      "↕ email = o: 3 → 1",
      "+ 3. email = p → Owner",
      "3 API call(s)",
    ]);
  });
});
