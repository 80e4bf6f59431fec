/**
 * The lockout guard: the checks that keep every plan from leaving the workspace owners unable to sign
 * in with SSO (CONTRACT.md section 3). Pure functions over the ordered list; the resources decide
 * when to run them and whether `allowLockout` overrides them.
 */
import { EMAIL_CLAIM, OWNER_ROLE, type ClaimRule, type Expectation } from "../schemas/claimMappings";
import { describeClaimRule, describeRuleAt } from "./describeRule";
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
  breakGlassOwners?: readonly string[];
  expectations?: readonly Expectation[];
  ssoProviderExists: boolean;
}

/** Whether a rule is an owner e-mail mapping: claim `email`, role `Owner`. */
export function isOwnerEmailRule(rule: ClaimRule): boolean {
  return rule.claimName === EMAIL_CLAIM && rule.role === OWNER_ROLE;
}

/** The owner e-mail mappings of a list, each with the earlier rule that makes it unreachable, if any. */
export interface OwnerEmailRules {
  /** 0-based positions of the owner e-mail mappings. */
  indexes: number[];
  /** 0-based positions of the owner e-mail mappings that some identity can actually reach. */
  reachable: number[];
  /** For each unreachable owner e-mail mapping, the 0-based position of the first rule with the same claim and value. */
  shadowedBy: Map<number, number>;
}

/** Finds the owner e-mail mappings and which of them an earlier rule with the same claim and value hides. */
export function findOwnerEmailRules(mappings: readonly ClaimRule[]): OwnerEmailRules {
  const indexes: number[] = [];
  const reachable: number[] = [];
  const shadowedBy = new Map<number, number>();
  // Only e-mail rules can shadow an owner e-mail mapping, so only their values need remembering.
  const firstEmailRule = new Map<string, number>();
  for (let i = 0; i < mappings.length; i++) {
    const rule = mappings[i]!;
    if (rule.claimName !== EMAIL_CLAIM) continue;
    const first = firstEmailRule.get(rule.claimValue);
    if (first === undefined) firstEmailRule.set(rule.claimValue, i);
    if (rule.role !== OWNER_ROLE) continue;
    indexes.push(i);
    if (first === undefined) reachable.push(i);
    else shadowedBy.set(i, first);
  }
  return { indexes, reachable, shadowedBy };
}

/**
 * Whether a list passes guard rules 1 and 2: some owner e-mail mapping is reachable, or (without an
 * SSO provider) there is none at all. This is the check every intermediate list of a plan must pass.
 */
export function isLockoutSafe(mappings: readonly ClaimRule[], ssoProviderExists: boolean): boolean {
  const owners = findOwnerEmailRules(mappings);
  if (owners.reachable.length > 0) return true;
  return owners.indexes.length === 0 && !ssoProviderExists;
}

function describeOutcome(mappings: readonly ClaimRule[], outcome: ClaimEvaluation): string {
  return outcome.ruleIndex === null
    ? "no rule matches"
    : `${outcome.role} from ${describeRuleAt(mappings, outcome.ruleIndex)}`;
}

/**
 * Runs the three guard rules on a desired list and returns every violation found (empty: the list is
 * safe to apply). Rule 2 is reported only when there are owner e-mail mappings and all are shadowed.
 */
export function checkLockout(input: LockoutCheckInput): LockoutViolation[] {
  const { mappings } = input;
  const violations: LockoutViolation[] = [];
  const owners = findOwnerEmailRules(mappings);

  if (owners.indexes.length === 0 && input.ssoProviderExists) {
    violations.push({
      rule: 1,
      code: "NO_OWNER_EMAIL_RULE",
      message: `no owner e-mail mapping (claim "${EMAIL_CLAIM}" → ${OWNER_ROLE}) while the workspace has an SSO provider: no owner could sign in with SSO`,
      ruleIndexes: [],
    });
  }

  if (owners.indexes.length > 0 && owners.reachable.length === 0) {
    const pairs = owners.indexes.map((i) => {
      const by = owners.shadowedBy.get(i)!;
      return `${describeRuleAt(mappings, i)} is shadowed by ${describeRuleAt(mappings, by)}`;
    });
    const concerned = new Set<number>(owners.indexes);
    for (const by of owners.shadowedBy.values()) concerned.add(by);
    violations.push({
      rule: 2,
      code: "OWNER_EMAIL_RULES_SHADOWED",
      message: `every owner e-mail mapping is unreachable: ${pairs.join("; ")}`,
      ruleIndexes: [...concerned].sort((a, b) => a - b),
    });
  }

  const breakGlassOwners = input.breakGlassOwners ?? [];
  const expectations = input.expectations ?? [];
  if (breakGlassOwners.length === 0 && expectations.length === 0) return violations;

  const evaluate = compileClaimRules(mappings);
  for (const address of breakGlassOwners) {
    const outcome = evaluate({ [EMAIL_CLAIM]: address });
    if (outcome.role === OWNER_ROLE) continue;
    const got = outcome.ruleIndex === null ? "would match no rule" : `would get ${describeOutcome(mappings, outcome)}`;
    violations.push({
      rule: 3,
      code: "BREAK_GLASS_OWNER_NOT_OWNER",
      message: `break-glass owner ${address} ${got}, not ${OWNER_ROLE}`,
      ruleIndexes: outcome.ruleIndex === null ? [] : [outcome.ruleIndex],
    });
  }
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

function howToProceed(violations: readonly LockoutViolation[]): string[] {
  const codes = new Set(violations.map((v) => v.code));
  const steps: string[] = [];
  if (codes.has("NO_OWNER_EMAIL_RULE")) {
    steps.push(
      `keep an owner e-mail rule (claimName "${EMAIL_CLAIM}", role "${OWNER_ROLE}") for an address an owner signs in with; when replacing one, add the new owner e-mail rule before removing the old one`,
    );
  }
  if (codes.has("OWNER_EMAIL_RULES_SHADOWED")) {
    steps.push("fix the order: put an owner e-mail rule above the rule that shadows it, or remove the shadowing rule");
  }
  if (codes.has("BREAK_GLASS_OWNER_NOT_OWNER")) {
    steps.push("give each break-glass owner an owner e-mail rule above any other rule that matches its address, or change breakGlassOwners");
  }
  if (codes.has("EXPECTATION_FAILED")) {
    steps.push("change the rules (or the expectation) until each expectation holds");
  }
  return steps;
}

/**
 * The message a refused preview or delete fails with: it says `lockout`, lists each violation with the
 * rules concerned, and says how to proceed. `current` is the live list, used when deleting to name
 * the owner e-mail mappings that would disappear.
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
  const steps = howToProceed(violations);
  const lines = [
    `lockout guard: refusing this claim-mapping list because it could lock the workspace owners out of SSO sign-in:`,
    ...violations.map((v) => `  - ${v.code}: ${v.message}`),
    `To proceed: ${[...steps, `or ${ALLOW_LOCKOUT}`].join("; ")}.`,
  ];
  return lines.join("\n");
}
