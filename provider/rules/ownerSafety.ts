/**
 * Whether the workspace owners can still sign in with SSO under a claim-mapping list: the one check of
 * the lockout guard's rules 1 and 2 (CONTRACT.md section 3) that the guard, the planner (for every
 * intermediate list), `SsoEnforcement` and the apply step all run, and the worst-case evaluation of an
 * owner identity whose other claims are unknown.
 *
 * The worst case is the point: an IdP sends more claims than the e-mail address (groups, department…)
 * and the guard cannot know them, so a rule on any other claim that gives a role other than Owner
 * could match an owner, and shadows every owner e-mail rule below it.
 */
import { EMAIL_CLAIM, OWNER_ROLE, type Claims, type OwnerIdentity } from "../schemas/claimMappings";
import { claimKey, type ClaimRule } from "./rule";

/** Whether a rule is an owner e-mail rule: claim `email`, role `Owner`. */
export function isOwnerEmailRule(rule: ClaimRule): boolean {
  return rule.claimName === EMAIL_CLAIM && rule.role === OWNER_ROLE;
}

/**
 * Whether a rule could match an owner whose claims other than `email` are unknown, and give another
 * role than Owner (unless an earlier rule with the same claim and value decides first: see the callers).
 */
export function couldShadowAnyOwner(rule: ClaimRule): boolean {
  return rule.claimName !== EMAIL_CLAIM && rule.role !== OWNER_ROLE;
}

/** The owner e-mail rules of a list, and which earlier rule makes each unreachable for an owner whose other claims are unknown. */
export interface OwnerEmailRules {
  /** 0-based positions of the owner e-mail rules. */
  indexes: number[];
  /** 0-based positions of the owner e-mail rules such an owner reaches. */
  reachable: number[];
  /**
   * For each unreachable owner e-mail rule, the 0-based position of the first rule above it that
   * decides first: the first rule with the same e-mail value, or a rule on another claim that gives
   * another role (and is the first with its claim and value), whichever comes first.
   */
  shadowedBy: Map<number, number>;
}

/** Finds the owner e-mail rules of a list and, for each, the earlier rule that shadows it (if any). */
export function findOwnerEmailRules(mappings: readonly ClaimRule[]): OwnerEmailRules {
  const indexes: number[] = [];
  const reachable: number[] = [];
  const shadowedBy = new Map<number, number>();
  const firstWithValue = new Map<string, number>();
  const otherClaims = new Set<string>();
  let firstShadowingAll = -1;
  for (let i = 0; i < mappings.length; i++) {
    const rule = mappings[i]!;
    if (rule.claimName !== EMAIL_CLAIM) {
      // A later rule with the same claim and value never decides: the first one always does.
      const key = claimKey(rule);
      if (firstShadowingAll === -1 && rule.role !== OWNER_ROLE && !otherClaims.has(key)) firstShadowingAll = i;
      otherClaims.add(key);
      continue;
    }
    const same = firstWithValue.get(rule.claimValue);
    if (same === undefined) firstWithValue.set(rule.claimValue, i);
    if (rule.role !== OWNER_ROLE) continue;
    indexes.push(i);
    const by = same === undefined ? firstShadowingAll : firstShadowingAll === -1 ? same : Math.min(same, firstShadowingAll);
    if (by === -1) reachable.push(i);
    else shadowedBy.set(i, by);
  }
  return { indexes, reachable, shadowedBy };
}

/** What guard rules 1 and 2 need to know besides the list. */
export interface OwnerSafetyContext {
  /** Whether the workspace has an SSO provider: only then is a list without owner e-mail rules a lockout. */
  ssoProviderExists: boolean;
  /**
   * Owner identities whose claims the user declared (`breakGlassOwners`): a list whose owner e-mail
   * rules are all shadowed for an unknown owner still keeps the owners in when one of these is
   * guaranteed Owner whatever its undeclared claims hold.
   */
  declaredOwners?: readonly Claims[] | undefined;
}

/**
 * Guard rules 1 and 2, the check every list a plan passes through must pass: some owner e-mail rule
 * is reachable for an owner whose other claims are unknown (or a declared owner is guaranteed Owner),
 * or the list has no owner e-mail rule at all while the workspace has no SSO provider.
 * One pass over the list, no allocation beyond a set of e-mail values: the planner calls it often.
 */
export function ownersCanSignIn(mappings: readonly ClaimRule[], context: OwnerSafetyContext): boolean {
  const seenEmailValues = new Set<string>();
  const otherClaims = new Set<string>();
  let shadowingAll = false;
  let owners = 0;
  for (const rule of mappings) {
    if (rule.claimName !== EMAIL_CLAIM) {
      if (shadowingAll) continue;
      const key = claimKey(rule);
      if (rule.role !== OWNER_ROLE && !otherClaims.has(key)) shadowingAll = true;
      otherClaims.add(key);
      continue;
    }
    if (rule.role === OWNER_ROLE) {
      owners++;
      if (!shadowingAll && !seenEmailValues.has(rule.claimValue)) return true;
    }
    seenEmailValues.add(rule.claimValue);
  }
  if (owners === 0) return !context.ssoProviderExists;
  return (context.declaredOwners ?? []).some((identity) => worstCaseRole(mappings, identity).guaranteed);
}

/** The role an owner identity gets when its undeclared claims hold whatever is worst for it. */
export type WorstCaseRole =
  | { guaranteed: true; ruleIndex: number }
  /**
   * Not guaranteed Owner: `ruleIndex` is the first rule that gives it another role (`role`), either
   * because its declared claims match (`certain`) or because an undeclared claim could (`certain` false);
   * `ruleIndex` null when no rule need match at all.
   */
  | { guaranteed: false; role: string | null; ruleIndex: number | null; certain: boolean };

/**
 * Evaluates an identity top-down the way Torq does, except that a rule on a claim the identity does
 * not declare may match or not, whichever is worse: the identity is guaranteed Owner only when every
 * rule that could decide before the first rule that certainly matches gives Owner, and that one does too.
 */
export function worstCaseRole(mappings: readonly ClaimRule[], identity: Claims): WorstCaseRole {
  const declared = new Map<string, ReadonlySet<string>>();
  for (const [name, value] of Object.entries(identity)) declared.set(name, new Set(typeof value === "string" ? [value] : value));
  const seen = new Set<string>();
  for (let i = 0; i < mappings.length; i++) {
    const rule = mappings[i]!;
    // A later rule with the same claim and value never decides: the first one always does.
    const key = claimKey(rule);
    if (seen.has(key)) continue;
    seen.add(key);
    const values = declared.get(rule.claimName);
    if (values === undefined) {
      if (rule.role !== OWNER_ROLE) return { guaranteed: false, role: rule.role, ruleIndex: i, certain: false };
      continue;
    }
    if (!values.has(rule.claimValue)) continue;
    return rule.role === OWNER_ROLE ? { guaranteed: true, ruleIndex: i } : { guaranteed: false, role: rule.role, ruleIndex: i, certain: true };
  }
  return { guaranteed: false, role: null, ruleIndex: null, certain: true };
}

/** A `breakGlassOwners` entry as the claims it declares: a plain address declares the e-mail claim alone. */
export function ownerClaims(entry: string | OwnerIdentity): Claims {
  if (typeof entry === "string") return { [EMAIL_CLAIM]: entry };
  return { ...entry.claims, [EMAIL_CLAIM]: entry.email, ...(entry.groups ? { groups: entry.groups } : {}) };
}

/** A `breakGlassOwners` entry as people read it: `a@x.io`, or `a@x.io (groups: admins, sre)`. */
export function describeOwner(entry: string | OwnerIdentity): string {
  if (typeof entry === "string") return entry;
  const others = Object.entries(ownerClaims(entry))
    .filter(([name]) => name !== EMAIL_CLAIM)
    .map(([name, value]) => `${name}: ${typeof value === "string" ? value : value.length ? value.join(", ") : "none"}`);
  return others.length ? `${entry.email} (${others.join("; ")})` : entry.email;
}
