import { expect } from "chai";
import { applyPlanToList, minimumCalls, planClaimMappingChanges, type ClaimMappingOperation } from "../../../provider/plan";
import { ruleKey as contentKey } from "../../../provider/rules/rule";
import type { ClaimRule } from "../../../provider/schemas/claimMappings";
import { contents, group, ownerEmail, rule, withIds } from "./fixtures";
import { shortestSafeSequence } from "./referee";
import { firstLockoutStep } from "./walk";

const GUARDED = { ssoProviderExists: true, enforceGuard: true };

interface Scenario {
  name: string;
  live: ClaimRule[];
  desired: ClaimRule[];
  ops: ClaimMappingOperation[];
  options?: { ssoProviderExists: boolean; enforceGuard: boolean };
}

const scenarios: Scenario[] = [
  {
    name: "does nothing when the lists are equal",
    live: [ownerEmail("a@x.io"), group("sre")],
    desired: [ownerEmail("a@x.io"), group("sre")],
    ops: [],
  },
  {
    name: "swaps two rules with one move",
    live: [ownerEmail("a@x.io"), group("x"), group("y")],
    desired: [ownerEmail("a@x.io"), group("y"), group("x")],
    ops: [{ kind: "update", id: "r3", set: { rank: 2 } }],
  },
  {
    name: "reverses four rules with three moves, each rank computed on the list as it is then",
    live: [group("x"), group("y"), group("z"), ownerEmail("a@x.io")],
    desired: [ownerEmail("a@x.io"), group("z"), group("y"), group("x")],
    ops: [
      { kind: "update", id: "r4", set: { rank: 1 } },
      { kind: "update", id: "r3", set: { rank: 2 } },
      { kind: "update", id: "r2", set: { rank: 3 } },
    ],
  },
  {
    name: "inserts at the top with a create and a move, leaving the other rules alone",
    live: [group("x"), ownerEmail("a@x.io")],
    desired: [ownerEmail("b@x.io"), group("x"), ownerEmail("a@x.io")],
    ops: [
      { kind: "create", rule: ownerEmail("b@x.io"), tempId: "new:1" },
      { kind: "update", id: "new:1", set: { rank: 1 } },
    ],
  },
  {
    name: "appends new rules without moving them",
    live: [ownerEmail("a@x.io")],
    desired: [ownerEmail("a@x.io"), group("sre", "Operator"), group("dev")],
    ops: [
      { kind: "create", rule: group("sre", "Operator"), tempId: "new:1" },
      { kind: "create", rule: group("dev"), tempId: "new:2" },
    ],
  },
  {
    name: "replacing the owner rule: promotes the new one before deleting the old one",
    live: [ownerEmail("a@x.io"), rule("email", "b@x.io", "Viewer")],
    desired: [ownerEmail("b@x.io")],
    ops: [
      { kind: "update", id: "r2", set: { role: "Owner" } },
      { kind: "delete", id: "r1" },
    ],
  },
  {
    name: "replacing the owner rule: creates the new one before demoting the old one",
    live: [ownerEmail("a@x.io")],
    desired: [rule("email", "a@x.io", "Viewer"), ownerEmail("b@x.io")],
    ops: [
      { kind: "create", rule: ownerEmail("b@x.io"), tempId: "new:1" },
      { kind: "update", id: "r1", set: { role: "Viewer" } },
    ],
  },
  {
    name: "re-uses a rule by editing and moving it in one PATCH rather than delete and create",
    live: [ownerEmail("a@x.io"), group("x")],
    desired: [group("x"), ownerEmail("b@x.io")],
    ops: [{ kind: "update", id: "r1", set: { claimValue: "b@x.io", rank: 2 } }],
  },
  {
    name: "edits a role in place without a rank",
    live: [ownerEmail("a@x.io"), group("sre"), group("dev")],
    desired: [ownerEmail("a@x.io"), group("sre", "Operator"), group("dev")],
    ops: [{ kind: "update", id: "r2", set: { role: "Operator" } }],
  },
  {
    name: "keeps duplicates and moves only what is out of order",
    live: [group("x"), ownerEmail("a@x.io"), group("x")],
    desired: [ownerEmail("a@x.io"), group("x"), group("x")],
    ops: [{ kind: "update", id: "r2", set: { rank: 1 } }],
  },
  {
    name: "creates a duplicate of an existing rule",
    live: [ownerEmail("a@x.io")],
    desired: [ownerEmail("a@x.io"), ownerEmail("a@x.io")],
    ops: [{ kind: "create", rule: ownerEmail("a@x.io"), tempId: "new:1" }],
  },
  {
    name: "deletes a duplicate that shadows the owner rule",
    live: [rule("email", "a@x.io", "Viewer"), ownerEmail("a@x.io")],
    desired: [ownerEmail("a@x.io")],
    ops: [{ kind: "delete", id: "r1" }],
  },
  {
    name: "deletes rules that are not owner e-mail mappings first, owner e-mail mappings last",
    live: [ownerEmail("a@x.io"), group("x"), ownerEmail("b@x.io")],
    desired: [ownerEmail("b@x.io")],
    ops: [
      { kind: "delete", id: "r2" },
      { kind: "delete", id: "r1" },
    ],
  },
];

describe("planClaimMappingChanges", () => {
  for (const { name, live, desired, ops, options } of scenarios) {
    it(name, () => {
      const liveRules = withIds(live);
      const plan = planClaimMappingChanges(liveRules, desired, options ?? GUARDED);
      expect(plan.ops).to.deep.equal(ops);
      expect(plan.apiCalls).to.equal(ops.length);
      expect(plan.intermediatesSafe).to.equal(true);
      expect(contents(applyPlanToList(liveRules, plan.ops))).to.deep.equal(desired);
      expect(firstLockoutStep(liveRules, plan.ops, true)).to.equal(null);
      expect(plan.ops.length).to.equal(minimumCalls(live.map(contentKey), desired.map(contentKey)));
    });
  }

  it("would lock the owners out in the other order (the guard is what decides it)", () => {
    const live = withIds([ownerEmail("a@x.io"), rule("email", "b@x.io", "Viewer")]);
    const naive: ClaimMappingOperation[] = [
      { kind: "delete", id: "r1" },
      { kind: "update", id: "r2", set: { role: "Owner" } },
    ];
    expect(contents(applyPlanToList(live, naive))).to.deep.equal([ownerEmail("b@x.io")]);
    expect(firstLockoutStep(live, naive, true)).to.equal(1);
  });

  it("spends an extra call when the guard demands it, and no more (no SSO provider, owner rule created behind its shadow)", () => {
    const live = [group("b"), rule("email", "a", "Viewer")];
    const desired = [group("b", "Owner"), rule("email", "a", "Viewer"), ownerEmail("a"), ownerEmail("a"), ownerEmail("b")];
    const options = { ssoProviderExists: false, enforceGuard: true };
    const plan = planClaimMappingChanges(withIds(live), desired, options);
    expect(minimumCalls(live.map(contentKey), desired.map(contentKey))).to.equal(4);
    expect(plan.apiCalls).to.equal(5);
    expect(plan.intermediatesSafe).to.equal(true);
    expect(contents(applyPlanToList(withIds(live), plan.ops))).to.deep.equal(desired);
    expect(firstLockoutStep(withIds(live), plan.ops, false)).to.equal(null);
    expect(shortestSafeSequence(live, desired, { ...options, maxLength: 5 })).to.equal(5);
    // Without the guard the bound is met.
    expect(planClaimMappingChanges(withIds(live), desired, { ...options, enforceGuard: false }).apiCalls).to.equal(4);
  });

  it("empties the list when told to (allowLockout), deleting the owner e-mail mapping last", () => {
    const live = withIds([ownerEmail("a@x.io"), group("x")]);
    const plan = planClaimMappingChanges(live, [], { ssoProviderExists: true, enforceGuard: false });
    expect(plan.ops).to.deep.equal([
      { kind: "delete", id: "r2" },
      { kind: "delete", id: "r1" },
    ]);
  });

  it("plans from a live list that already fails the guard, and keeps it passing once it does", () => {
    const live = withIds([rule("email", "a@x.io", "Viewer"), ownerEmail("a@x.io"), group("x")]);
    const desired = [group("x"), ownerEmail("a@x.io"), ownerEmail("b@x.io")];
    const plan = planClaimMappingChanges(live, desired, GUARDED);
    expect(contents(applyPlanToList(live, plan.ops))).to.deep.equal(desired);
    expect(firstLockoutStep(live, plan.ops, true)).to.equal(null);
    expect(plan.apiCalls).to.equal(2);
  });

  it("plans a 1,000-rule reshuffle in the fewest calls, safely, in well under a few seconds", () => {
    const rules = [ownerEmail("owner@x.io"), ...Array.from({ length: 999 }, (_, i) => group(`g${i}`, i % 3 === 0 ? "Operator" : "Viewer"))];
    // A fixed shuffle (multiplicative permutation) so the test is deterministic.
    const desired = rules.map((_, i) => rules[(i * 389 + 17) % 1000]!);
    const live = withIds(rules);
    const started = Date.now();
    const plan = planClaimMappingChanges(live, desired, GUARDED);
    expect(Date.now() - started).to.be.below(5000);
    expect(plan.apiCalls).to.equal(minimumCalls(rules.map(contentKey), desired.map(contentKey)));
    expect(contents(applyPlanToList(live, plan.ops))).to.deep.equal(desired);
    expect(plan.intermediatesSafe).to.equal(true);
  });
});
