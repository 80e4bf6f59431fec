import { expect } from "chai";
import { applyPlanToList, InvalidPlanError, type ClaimMappingOperation, type LiveRule } from "../../../provider/plan";
import { group, withIds } from "./fixtures";

const ids = (list: readonly LiveRule[]): string[] => list.map((r) => r.id);

describe("applyPlanToList", () => {
  const five = withIds(["a", "b", "c", "d", "e"].map((n) => group(n)));

  it("moves a rule as Torq documents: given [a,b,c,d,e], c to rank 2 gives [a,c,b,d,e]", () => {
    expect(ids(applyPlanToList(five, [{ kind: "update", id: "r3", set: { rank: 2 } }]))).to.deep.equal(["r1", "r3", "r2", "r4", "r5"]);
  });

  it("moves a rule down: the rule ends at the rank it was given", () => {
    expect(ids(applyPlanToList(five, [{ kind: "update", id: "r2", set: { rank: 4 } }]))).to.deep.equal(["r1", "r3", "r4", "r2", "r5"]);
    expect(ids(applyPlanToList(five, [{ kind: "update", id: "r1", set: { rank: 5 } }]))).to.deep.equal(["r2", "r3", "r4", "r5", "r1"]);
  });

  it("edits fields and moves in one PATCH, appends creates last, and deletes", () => {
    const ops: ClaimMappingOperation[] = [
      { kind: "create", rule: group("new", "Operator"), tempId: "new:1" },
      { kind: "update", id: "r5", set: { claimValue: "E", role: "Creator", rank: 1 } },
      { kind: "delete", id: "r3" },
      { kind: "update", id: "new:1", set: { rank: 2 } },
    ];
    expect(applyPlanToList(five, ops)).to.deep.equal([
      { ...group("E", "Creator"), id: "r5" },
      { ...group("new", "Operator"), id: "new:1" },
      { ...group("a"), id: "r1" },
      { ...group("b"), id: "r2" },
      { ...group("d"), id: "r4" },
    ]);
  });

  it("reports the list after each operation", () => {
    const seen: string[][] = [];
    applyPlanToList(five, [{ kind: "delete", id: "r1" }, { kind: "update", id: "r5", set: { rank: 1 } }], (list) => seen.push(ids(list)));
    expect(seen).to.deep.equal([
      ["r2", "r3", "r4", "r5"],
      ["r5", "r2", "r3", "r4"],
    ]);
  });

  it("leaves the input list alone", () => {
    const live = withIds([group("a"), group("b")]);
    applyPlanToList(live, [{ kind: "update", id: "r1", set: { role: "Owner", rank: 2 } }]);
    expect(live).to.deep.equal(withIds([group("a"), group("b")]));
  });

  const invalid: { name: string; ops: ClaimMappingOperation[]; message: string }[] = [
    { name: "an unknown id", ops: [{ kind: "delete", id: "r9" }], message: "operation 1: no rule with id r9 in the list" },
    { name: "a rank past the end", ops: [{ kind: "update", id: "r1", set: { rank: 6 } }], message: "operation 1: rank 6 is outside 1..5" },
    { name: "rank 0", ops: [{ kind: "update", id: "r1", set: { rank: 0 } }], message: "operation 1: rank 0 is outside 1..5" },
    {
      name: "a temp id used twice",
      ops: [
        { kind: "create", rule: group("x"), tempId: "new:1" },
        { kind: "create", rule: group("y"), tempId: "new:1" },
      ],
      message: "operation 2: id new:1 is already in the list",
    },
    { name: "a deleted rule edited", ops: [{ kind: "delete", id: "r2" }, { kind: "update", id: "r2", set: { role: "Owner" } }], message: "operation 2: no rule with id r2 in the list" },
  ];
  for (const { name, ops, message } of invalid) {
    it(`refuses ${name}`, () => {
      expect(() => applyPlanToList(five, ops)).to.throw(InvalidPlanError, message);
    });
  }
});
