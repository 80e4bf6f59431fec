/**
 * The lockout guard: the checks that keep every plan from leaving the workspace owners unable to sign
 * in with SSO (CONTRACT.md section 3), and the messages a refusal carries. Pure functions over the
 * ordered list; rules 1 and 2 are the one check in ../rules/ownerSafety; the resources decide when to
 * run the guard and whether `allowLockout` overrides it.
 */
import { EMAIL_CLAIM, OWNER_ROLE, type BreakGlassOwner, type Expectation } from "../schemas/claimMappings";
import { describeClaimRule, describeRuleAt, type ClaimRule } from "../rules/rule";
import { couldShadowAnyOwner, describeOwner, findOwnerEmailRules, ownerClaims, ownersCanSignIn, worstCaseRole } from "../rules/ownerSafety";
import { compileClaimRules, type ClaimEvaluation } from "./evaluate";

/** Stable identifiers of the guard's findings, one per way a list can lock the owners out. */
export type LockoutViolationCode =
  | "NO_OWNER_EMAIL_RULE"
  | "OWNER_EMAIL_RULES_SHADOWED"
  | "BREAK_GLASS_OWNER_NOT_OWNER"
  | "EXPECTATION_FAILED";

/** One reason the guard refuses a list: which of the contract's three rules, and the rules concerned. */
export interface LockoutViolation {
  /** The contract's guard rule: 1 no owner e-mail mapping, 2 all of them shadowed, 3 break-glass owner or expectation. */
  rule: 1 | 2 | 3;
  code: LockoutViolationCode;
  /** One sentence naming the rules concerned by 1-based position, claim and role. */
  message: string;
  /** 0-based positions of the rules concerned, ascending. */
  ruleIndexes: number[];
}

/** What the guard looks at: the desired list, the identities that must keep their role, and whether SSO is configured. */
export interface LockoutCheckInput {
  mappings: readonly ClaimRule[];
  breakGlassOwners?: readonly BreakGlassOwner[] | undefined;
  expectations?: readonly Expectation[] | undefined;
  ssoProviderExists: boolean;
}

/** The owners whose claims the user declared, as the owner-safety check takes them. */
export function declaredOwnersOf(breakGlassOwners: readonly BreakGlassOwner[] | undefined): ReturnType<typeof ownerClaims>[] {
  return (breakGlassOwners ?? []).map(ownerClaims);
}

function describeOutcome(mappings: readonly ClaimRule[], outcome: ClaimEvaluation): string {
  return outcome.ruleIndex === null
    ? "no rule matches"
    : `${outcome.role} from ${describeRuleAt(mappings, outcome.ruleIndex)}`;
}

function shadowingReason(mappings: readonly ClaimRule[], owner: number, by: number): string {
  const shadow = mappings[by]!;
  const why = couldShadowAnyOwner(shadow) ? `, which could match an owner's ${shadow.claimName}` : "";
  return `${describeRuleAt(mappings, owner)} is shadowed by ${describeRuleAt(mappings, by)}${why}`;
}

/**
 * Runs the three guard rules on a desired list and returns every violation found (empty: the list is
 * safe to apply). Rule 2 is reported only when there are owner e-mail mappings and none is reachable
 * for an owner whose other claims are unknown, and no declared break-glass owner is guaranteed Owner.
 */
export function checkLockout(input: LockoutCheckInput): LockoutViolation[] {
  const { mappings } = input;
  const violations: LockoutViolation[] = [];
  const owners = findOwnerEmailRules(mappings);
  const declaredOwners = declaredOwnersOf(input.breakGlassOwners);

  if (owners.indexes.length === 0 && input.ssoProviderExists) {
    violations.push({
      rule: 1,
      code: "NO_OWNER_EMAIL_RULE",
      message: `no owner e-mail mapping (claim "${EMAIL_CLAIM}" → ${OWNER_ROLE}) while the workspace has an SSO provider: no owner could sign in with SSO`,
      ruleIndexes: [],
    });
  }

  if (owners.indexes.length > 0 && !ownersCanSignIn(mappings, { ssoProviderExists: input.ssoProviderExists, declaredOwners })) {
    const pairs = owners.indexes.map((i) => shadowingReason(mappings, i, owners.shadowedBy.get(i)!));
    const concerned = new Set<number>(owners.indexes);
    for (const by of owners.shadowedBy.values()) concerned.add(by);
    violations.push({
      rule: 2,
      code: "OWNER_EMAIL_RULES_SHADOWED",
      message: `every owner e-mail mapping is unreachable: ${pairs.join("; ")}`,
      ruleIndexes: [...concerned].sort((a, b) => a - b),
    });
  }

  for (const entry of input.breakGlassOwners ?? []) {
    const outcome = worstCaseRole(mappings, ownerClaims(entry));
    if (outcome.guaranteed) continue;
    const who = `break-glass owner ${describeOwner(entry)}`;
    let got: string;
    if (outcome.ruleIndex === null) got = "would match no rule";
    else if (outcome.certain) got = `would get ${outcome.role} from ${describeRuleAt(mappings, outcome.ruleIndex)}`;
    else {
      const shadow = mappings[outcome.ruleIndex]!;
      got = `could get ${outcome.role} from ${describeRuleAt(mappings, outcome.ruleIndex)} if its ${shadow.claimName} claim holds "${shadow.claimValue}" (its ${shadow.claimName} is not declared)`;
    }
    violations.push({
      rule: 3,
      code: "BREAK_GLASS_OWNER_NOT_OWNER",
      message: `${who} ${got}, not ${OWNER_ROLE}`,
      ruleIndexes: outcome.ruleIndex === null ? [] : [outcome.ruleIndex],
    });
  }

  const expectations = input.expectations ?? [];
  if (expectations.length === 0) return violations;
  const evaluate = compileClaimRules(mappings);
  for (const expectation of expectations) {
    const outcome = evaluate(expectation.claims);
    if (outcome.role === expectation.role) continue;
    const expected = expectation.role === null ? "expected no rule to match" : `expected ${expectation.role}`;
    const got = outcome.ruleIndex === null ? "but no rule matches" : `got ${describeOutcome(mappings, outcome)}`;
    violations.push({
      rule: 3,
      code: "EXPECTATION_FAILED",
      message: `expectation failed for claims ${JSON.stringify(expectation.claims)}: ${expected}, ${got}`,
      ruleIndexes: outcome.ruleIndex === null ? [] : [outcome.ruleIndex],
    });
  }
  return violations;
}

/** Where the guard refused: a preview/update of the list, or deleting the whole `ClaimMappings` resource. */
export type LockoutRefusalContext = "preview" | "delete";

const ALLOW_LOCKOUT = "set allowLockout: true on the ClaimMappings resource deliberately";

function howToProceed(violations: readonly LockoutViolation[], mappings: readonly ClaimRule[]): string[] {
  const codes = new Set(violations.map((v) => v.code));
  const steps: string[] = [];
  if (codes.has("NO_OWNER_EMAIL_RULE")) {
    steps.push(
      `keep an owner e-mail rule (claimName "${EMAIL_CLAIM}", role "${OWNER_ROLE}") for an address an owner signs in with; when replacing one, add the new owner e-mail rule before removing the old one`,
    );
  }
  if (codes.has("OWNER_EMAIL_RULES_SHADOWED")) {
    const byOtherClaim = findOwnerEmailRules(mappings);
    const otherClaims = [...new Set([...byOtherClaim.shadowedBy.values()].map((i) => mappings[i]!).filter(couldShadowAnyOwner).map((r) => r.claimName))];
    steps.push(
      otherClaims.length
        ? `move an owner e-mail rule above the rule that shadows it (or remove that rule); or, if your owners' ${otherClaims.join(" and ")} never match it, declare them in breakGlassOwners as { email, ${otherClaims.map((c) => `${c}: [...]`).join(", ")} } so the guard knows`
        : "fix the order: put an owner e-mail rule above the rule that shadows it, or remove the shadowing rule",
    );
  }
  if (codes.has("BREAK_GLASS_OWNER_NOT_OWNER")) {
    steps.push(
      "give each break-glass owner an owner e-mail rule above any rule that could match it (a rule on a claim it does not declare could), or declare its other claims, or change breakGlassOwners",
    );
  }
  if (codes.has("EXPECTATION_FAILED")) {
    steps.push("change the rules (or the expectation) until each expectation holds");
  }
  return steps;
}

/**
 * The message a refused preview or delete fails with: it says `lockout`, lists each violation with the
 * rules concerned, and says how to proceed. `current` is the list concerned: the desired one for a
 * preview, the live one when deleting (to name the owner e-mail mappings that would disappear).
 */
export function formatLockoutRefusal(
  violations: readonly LockoutViolation[],
  context: LockoutRefusalContext,
  current: readonly ClaimRule[] = [],
): string {
  if (context === "delete") {
    const owners = findOwnerEmailRules(current).indexes;
    const named =
      owners.length === 0 ? "" : ` (${owners.map((i) => `rule ${i + 1}: ${describeClaimRule(current[i]!)}`).join("; ")})`;
    const lines = [
      `lockout guard: refusing to delete ClaimMappings: deleting it removes every claim-mapping rule, including the owner e-mail mappings${named}, and the workspace would be left without a way for its owners to sign in with SSO.`,
      ...violations.map((v) => `  - ${v.code}: ${v.message}`),
      `To proceed: ${ALLOW_LOCKOUT}, run pulumi up, then destroy; or remove the SsoProvider first.`,
    ];
    return lines.join("\n");
  }
  const steps = howToProceed(violations, current);
  const lines = [
    `lockout guard: refusing this claim-mapping list because it could lock the workspace owners out of SSO sign-in:`,
    ...violations.map((v) => `  - ${v.code}: ${v.message}`),
    `To proceed: ${[...steps, `or ${ALLOW_LOCKOUT}`].join("; ")}.`,
  ];
  return lines.join("\n");
}
