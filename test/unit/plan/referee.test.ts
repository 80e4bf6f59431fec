import { expect } from "chai";
import type { ClaimRule } from "../../../provider/schemas/claimMappings";
import { group, ownerEmail, rule } from "./fixtures";
import { shortestSafeSequence } from "./referee";

/** The referee is what the planner's minimality is judged by, so it is checked on cases worked by hand. */
describe("the minimality referee", () => {
  const free = { ssoProviderExists: true, enforceGuard: false, maxLength: 6 };
  const guarded = { ssoProviderExists: true, enforceGuard: true, maxLength: 6 };
  const cases: { name: string; live: ClaimRule[]; desired: ClaimRule[]; options: typeof free; length: number | null }[] = [
    { name: "equal lists need nothing", live: [group("a")], desired: [group("a")], options: free, length: 0 },
    { name: "a swap is one move", live: [group("a"), group("b")], desired: [group("b"), group("a")], options: free, length: 1 },
    { name: "reversing three is two moves", live: [group("a"), group("b"), group("c")], desired: [group("c"), group("b"), group("a")], options: free, length: 2 },
    { name: "an edit and a move are one PATCH", live: [group("a"), group("b")], desired: [group("b"), group("z")], options: free, length: 1 },
    { name: "inserting at the top is a create and a move", live: [group("a")], desired: [group("z"), group("a")], options: free, length: 2 },
    { name: "emptying a list is one delete per rule", live: [group("a"), group("a"), group("b")], desired: [], options: free, length: 3 },
    {
      name: "without the guard, the owner rule may go first",
      live: [ownerEmail("a"), rule("email", "b", "Viewer")],
      desired: [ownerEmail("b")],
      options: free,
      length: 2,
    },
    {
      name: "the final list is not an intermediate: one delete may empty a one-owner list",
      live: [ownerEmail("a")],
      desired: [],
      options: guarded,
      length: 1,
    },
    {
      name: "removing two owner rules takes two deletes; the list between still has one",
      live: [ownerEmail("a"), ownerEmail("a")],
      desired: [],
      options: { ...guarded, maxLength: 4 },
      length: 2,
    },
    {
      name: "the guard costs a call: no owner rule may stand shadowed with no SSO provider",
      live: [group("b"), rule("email", "a", "Viewer")],
      desired: [group("b", "Owner"), rule("email", "a", "Viewer"), ownerEmail("a"), ownerEmail("a"), ownerEmail("b")],
      options: { ssoProviderExists: false, enforceGuard: true, maxLength: 6 },
      length: 5,
    },
    {
      name: "gives up (null) beyond maxLength",
      live: [group("a"), group("b"), group("c")],
      desired: [group("c"), group("b"), group("a")],
      options: { ...free, maxLength: 1 },
      length: null,
    },
  ];
  for (const { name, live, desired, options, length } of cases) {
    it(name, () => {
      expect(shortestSafeSequence(live, desired, options)).to.equal(length);
    });
  }
});
