import { expect } from "chai";
import { randomUUID } from "node:crypto";
import type { ClaimMapping } from "../../provider/schemas/api";
import { hasReachableOwnerEmailRule, reachableOwnerEmailRules, type GuardedRule } from "../../emulator/lockoutGuard";
import {
  appendClaimMapping,
  claimMappingPage,
  countClaimMappings,
  deleteClaimMapping,
  findClaimMapping,
  listClaimMappings,
  updateClaimMapping,
  type RuleFields,
} from "../../emulator/store/claimMappings";
import { WorkspaceDatabase } from "../../emulator/store/database";
import { storedListHasReachableOwnerEmailRule, storedReachableOwnerEmailRules } from "../../emulator/store/ownerEmailRules";
import { OWNER_ROLE_ID, PRESET_ROLES } from "../../emulator/store/presetRoles";
import { seededRandom } from "../../bench/seededRandom";

const VIEWER = PRESET_ROLES.find((role) => role.name === "Viewer")!.id;
const OWNERS: ReadonlySet<string> = new Set([OWNER_ROLE_ID]);
const O = OWNER_ROLE_ID;
const V = VIEWER;

function rule(claim_name: string, claim_value: string, role_id: string): GuardedRule {
  return { claim_name, claim_value, role_id };
}

describe("the workspace's lockout rule: reachable owner e-mail rules", () => {
  const cases: [string, GuardedRule[], number[]][] = [
    ["an owner e-mail rule alone", [rule("email", "o@x", O)], [0]],
    ["no owner e-mail rule", [rule("groups", "admins", O), rule("email", "o@x", V)], []],
    ["an earlier e-mail rule with the same value and another role shadows it", [rule("email", "o@x", V), rule("email", "o@x", O)], []],
    ["of two owner e-mail rules with one value, the first is the reachable one", [rule("email", "o@x", O), rule("email", "o@x", O)], [0]],
    ["an earlier e-mail rule with another value does not shadow", [rule("email", "p@x", V), rule("email", "o@x", O)], [1]],
    ["an earlier group rule that gives another role shadows it", [rule("groups", "everyone", V), rule("email", "o@x", O)], []],
    ["an earlier rule on any other claim that gives another role shadows it", [rule("department", "it", V), rule("email", "o@x", O)], []],
    ["an earlier group rule that gives Owner does not shadow", [rule("groups", "admins", O), rule("email", "o@x", O)], [1]],
    ["a group rule below does not shadow", [rule("email", "o@x", O), rule("groups", "everyone", V), rule("email", "p@x", O)], [0]],
    ["claim names are case-sensitive: Email is another claim", [rule("Email", "o@x", V), rule("email", "o@x", O)], []],
  ];
  for (const [name, rules, expected] of cases) {
    it(name, () => {
      expect(reachableOwnerEmailRules(rules, OWNERS)).to.deep.equal(expected.map((index) => rules[index]));
      expect(hasReachableOwnerEmailRule(rules, OWNERS)).to.equal(expected.length > 0);
    });
  }
});

/** The list as a plain array, the model the store must always equal. */
function modelList(model: readonly (RuleFields & { id: string })[]): ClaimMapping[] {
  return model.map((entry, index) => ({ ...entry, rank: index + 1 }));
}

describe("the claim-mapping store (sparse positions)", () => {
  let db: WorkspaceDatabase;
  beforeEach(() => {
    db = new WorkspaceDatabase(":memory:");
  });
  afterEach(() => db.close());

  function write<T>(body: () => T): T {
    return db.write(body, { snapshot: false });
  }

  it("keeps ranks 1..n through random appends, moves, edits and deletes, and answers the guard's question as the pure rule does", () => {
    const random = seededRandom(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const model: (RuleFields & { id: string })[] = [];
    const randomFields = (): RuleFields => ({
      claim_name: pick(["email", "email", "groups", "department"]),
      claim_value: pick(["a@x", "b@x", "c@x", "admins", "everyone"]),
      role_id: pick([O, O, V]),
    });
    for (let step = 0; step < 1500; step++) {
      const choice = random();
      if (model.length === 0 || choice < 0.3) {
        const id = randomUUID();
        const fields = randomFields();
        const created = write(() => appendClaimMapping(db, id, fields));
        model.push({ id, ...fields });
        expect(created).to.deep.equal({ id, ...fields, rank: model.length });
      } else if (choice < 0.8) {
        const index = Math.floor(random() * model.length);
        const rank = 1 + Math.floor(random() * model.length);
        const [moved] = model.splice(index, 1);
        const fields = random() < 0.2 ? { role_id: pick([O, V]) } : {};
        Object.assign(moved!, fields);
        model.splice(rank - 1, 0, moved!);
        expect(write(() => updateClaimMapping(db, moved!.id, fields, rank))).to.deep.equal({ ...moved!, rank });
      } else {
        const [removed] = model.splice(Math.floor(random() * model.length), 1);
        expect(write(() => deleteClaimMapping(db, removed!.id))).to.equal(true);
      }
      const expected = modelList(model);
      expect(listClaimMappings(db)).to.deep.equal(expected);
      expect(countClaimMappings(db)).to.equal(expected.length);
      const reachable = reachableOwnerEmailRules(expected, OWNERS).map(({ id, claim_name, claim_value }) => ({ id, claim_name, claim_value }));
      expect(storedReachableOwnerEmailRules(db).map((row) => ({ ...row }))).to.deep.equal(reachable);
      expect(storedListHasReachableOwnerEmailRule(db)).to.equal(reachable.length > 0);
    }
  });

  it("serves any page and any single rule with its rank", () => {
    const ids = write(() => Array.from({ length: 23 }, (_, i) => appendClaimMapping(db, randomUUID(), { claim_name: "groups", claim_value: `g${i}`, role_id: V }).id));
    write(() => updateClaimMapping(db, ids[20]!, {}, 3));
    const all = listClaimMappings(db);
    expect(all.map((entry) => entry.rank)).to.deep.equal(Array.from({ length: 23 }, (_, i) => i + 1));
    for (const [offset, limit] of [[0, 5], [5, 5], [20, 5], [23, 5], [0, -1]] as const) {
      expect(claimMappingPage(db, offset, limit)).to.deep.equal(all.slice(offset, limit < 0 ? undefined : offset + limit));
    }
    for (const entry of all) expect(findClaimMapping(db, entry.id)).to.deep.equal(entry);
    expect(findClaimMapping(db, randomUUID())).to.equal(undefined);
  });

  it("renumbers when moves have used up the room between two neighbours, keeping the order", () => {
    const ids = write(() => Array.from({ length: 4 }, (_, i) => appendClaimMapping(db, randomUUID(), { claim_name: "groups", claim_value: `g${i}`, role_id: V }).id));
    const model = [...ids];
    // Moving the last rule to rank 2 again and again halves the gap after rank 1 every time.
    for (let i = 0; i < 60; i++) {
      const last = model.pop()!;
      model.splice(1, 0, last);
      write(() => updateClaimMapping(db, last, {}, 2));
      expect(listClaimMappings(db).map((entry) => entry.id)).to.deep.equal(model);
    }
    const positions = db.all<{ position: number }>("SELECT position FROM claim_mappings ORDER BY position").map((row) => row.position);
    expect(new Set(positions).size).to.equal(4);
    expect(positions.every((position) => Number.isSafeInteger(position))).to.equal(true);
  });
});
