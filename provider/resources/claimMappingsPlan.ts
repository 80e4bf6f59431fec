/**
 * The plan for a declared claim-mapping list, as data: what the workspace holds, what the calls will
 * do to each rule and in which order, whether the owners can sign in after every call, drift since
 * the stack last recorded the list, who changes role, and the guard's verdict. One function computes
 * it for `check` (a create), `diff`, the apply step and `torq-sso review`, so what a reviewer reads is
 * what `pulumi up` sends, call for call.
 */
import { checkLockout, declaredOwnersOf, formatLockoutRefusal, type LockoutViolation } from "../lockout/guard";
import { compileClaimRules } from "../lockout/evaluate";
import { applyPlanToList, describeCall, describeRows, listChanges, minimumCalls, planClaimMappingChanges, planRows, TEMP_ID_PREFIX, type ClaimMappingPlan, type PositionedRule, type RuleChange } from "../plan";
import { describeOwner, findOwnerEmailRules, ownerClaims, ownersCanSignIn, worstCaseRole, type OwnerSafetyContext } from "../rules/ownerSafety";
import { bareRule, describeClaimRule, ruleKey, sameRuleList, type ClaimRule, type LiveRule } from "../rules/rule";
import { OWNER_ROLE, type ClaimMappingsInputs } from "../schemas/claimMappings";
import type { WorkspaceView } from "./workspaceView";

/** One API call of the plan, as a reviewer and a CI job read it. */
export interface PlannedCall {
  /** 1-based order in which it is sent. */
  step: number;
  method: "POST" | "PATCH" | "DELETE";
  /** `POST email = a@x.io → Owner`, `PATCH groups = sre (role Operator, rank 2)`, `DELETE groups = old`. */
  description: string;
  /** The workspace id of the rule a PATCH or DELETE names; null for a POST, or a PATCH of a rule this plan creates. */
  ruleId: string | null;
  /** Whether the workspace owners can sign in with the list as it is after this call (guard rules 1 and 2). */
  ownersCanSignInAfter: boolean;
}

/** How the role of a `breakGlassOwners` entry or an `expectations` identity changes from the live list to the declared one. */
export interface RoleChange {
  source: "breakGlassOwners" | "expectations";
  /** The owner (`a@x.io (groups: admins)`) or the expectation's claims as JSON. */
  identity: string;
  /** Its role under the live list (the worst case over undeclared claims for an owner), null when no rule matches. */
  before: string | null;
  after: string | null;
  /** What it must get: Owner for an owner, the expectation's role otherwise. */
  expected: string | null;
}

/** The lockout guard's verdict on the declared list and on every list the calls pass through. */
export interface GuardVerdict {
  verdict: "passed" | "refused" | "overridden";
  violations: LockoutViolation[];
  /** Whether the owners can sign in after every call but the last (whose list is the declared one). */
  everyStepSafe: boolean;
}

/** Everything applying the declared list will do to the workspace, as data. */
export interface ClaimMappingsPlanReport {
  resource: "ClaimMappings";
  /** `create`: the stack does not have the resource yet, so it adopts the workspace's list. */
  operation: "create" | "update";
  /** Whether `pulumi up` changes anything (calls, or only the stack's record of the list). */
  changes: boolean;
  /** The workspace's list now, and the declared one. */
  live: PositionedRule[];
  desired: PositionedRule[];
  /** What the calls do to each rule that changes. */
  rows: RuleChange[];
  calls: PlannedCall[];
  /** Rules changed outside Pulumi since the stack recorded the list; null when nothing was recorded or nothing changed. */
  drift: { rows: RuleChange[]; grantsOwner: string[] } | null;
  /** The workspace already holds the declared list, but the stack recorded another (an interrupted run): `up` records it, sending nothing. */
  stateOnly: boolean;
  /** For a create over a workspace that already has other rules: refused unless `overwriteExisting`. */
  adoption: { liveRules: number; overwriteExisting: boolean; refused: boolean } | null;
  guard: GuardVerdict;
  roleChanges: RoleChange[];
}

/** What planning returns besides the report: the calls themselves and the guard context they were judged with. */
export interface ClaimMappingsPlanning {
  report: ClaimMappingsPlanReport;
  plan: ClaimMappingPlan;
  safety: OwnerSafetyContext;
}

const positioned = (rules: readonly ClaimRule[]): PositionedRule[] => rules.map((r, i) => ({ ...bareRule(r), position: i + 1 }));

/**
 * The guard context for a declared list. Whether an SSO provider exists costs two requests, and it
 * only matters when the declared list has no owner e-mail rule: otherwise rule 1 holds anyway and
 * requiring an owner rule at every step is the stricter assumption, which the planner can meet.
 */
async function safetyFor(view: WorkspaceView, desired: readonly ClaimRule[], inputs: Pick<ClaimMappingsInputs, "breakGlassOwners">, ask: boolean): Promise<OwnerSafetyContext> {
  const declaredOwners = declaredOwnersOf(inputs.breakGlassOwners);
  const ssoProviderExists = ask || findOwnerEmailRules(desired).indexes.length === 0 ? await view.ssoProviderExists() : true;
  return { ssoProviderExists, declaredOwners };
}

function plannedCalls(live: readonly LiveRule[], plan: ClaimMappingPlan, safety: OwnerSafetyContext): PlannedCall[] {
  const calls: PlannedCall[] = [];
  let before: LiveRule[] = [...live];
  plan.ops.forEach((op, i) => {
    const after = applyPlanToList(before, [op]);
    calls.push({
      step: i + 1,
      method: op.kind === "create" ? "POST" : op.kind === "update" ? "PATCH" : "DELETE",
      description: describeCall(op, before),
      ruleId: op.kind === "create" || op.id.startsWith(TEMP_ID_PREFIX) ? null : op.id,
      ownersCanSignInAfter: ownersCanSignIn(after, safety),
    });
    before = after;
  });
  return calls;
}

function roleChanges(live: readonly ClaimRule[], desired: readonly ClaimRule[], inputs: Pick<ClaimMappingsInputs, "breakGlassOwners" | "expectations">): RoleChange[] {
  const changes: RoleChange[] = [];
  const worst = (list: readonly ClaimRule[], claims: ReturnType<typeof ownerClaims>): string | null => {
    const outcome = worstCaseRole(list, claims);
    return outcome.guaranteed ? OWNER_ROLE : outcome.role;
  };
  for (const entry of inputs.breakGlassOwners ?? []) {
    const claims = ownerClaims(entry);
    changes.push({ source: "breakGlassOwners", identity: describeOwner(entry), before: worst(live, claims), after: worst(desired, claims), expected: OWNER_ROLE });
  }
  if (inputs.expectations?.length) {
    const [was, will] = [compileClaimRules(live), compileClaimRules(desired)];
    for (const expectation of inputs.expectations) {
      changes.push({
        source: "expectations",
        identity: JSON.stringify(expectation.claims),
        before: was(expectation.claims).role,
        after: will(expectation.claims).role,
        expected: expectation.role,
      });
    }
  }
  return changes;
}

function driftSince(recorded: readonly LiveRule[] | undefined, live: readonly LiveRule[]): ClaimMappingsPlanReport["drift"] {
  if (!recorded) return null;
  const rows = listChanges(recorded, live);
  if (rows.length === 0) return null;
  const grantsOwner = rows.flatMap((row) => {
    if (row.kind === "added" && row.after.role === OWNER_ROLE) return [`${describeClaimRule(row.after)} (added at ${row.after.position})`];
    if (row.kind === "changed" && row.after.role === OWNER_ROLE && row.before.role !== OWNER_ROLE) return [`${describeClaimRule(row.after)} (was ${row.before.role})`];
    return [];
  });
  return { rows, grantsOwner };
}

/** The lockout guard's findings on the declared list, asking whether an SSO provider exists only when that decides. */
export async function guardViolations(view: WorkspaceView, inputs: ClaimMappingsInputs): Promise<LockoutViolation[]> {
  const desired = inputs.mappings;
  const { ssoProviderExists } = await safetyFor(view, desired, inputs, false);
  return checkLockout({ mappings: desired, breakGlassOwners: inputs.breakGlassOwners, expectations: inputs.expectations, ssoProviderExists });
}

/** The guard's refusal of a declared list, with the rules concerned and the ways out. */
export function formatGuardRefusal(violations: readonly LockoutViolation[], inputs: ClaimMappingsInputs): string {
  return formatLockoutRefusal(violations, "preview", inputs.mappings);
}

/**
 * Plans the declared list against the workspace as `view` read it. `recorded` is the list the stack
 * last recorded (with the workspace ids), undefined for a create.
 */
export function planClaimMappings(view: WorkspaceView, inputs: ClaimMappingsInputs, recorded: readonly LiveRule[] | undefined): Promise<ClaimMappingsPlanning> {
  // A preview's check and diff share one read (WorkspaceContext); they share its planning too.
  let plans = planned.get(view);
  if (!plans) planned.set(view, (plans = new Map()));
  const key = JSON.stringify([inputs, recorded ?? null]);
  let planning = plans.get(key);
  if (!planning) plans.set(key, (planning = computePlanning(view, inputs, recorded)));
  return planning;
}

const planned = new WeakMap<WorkspaceView, Map<string, Promise<ClaimMappingsPlanning>>>();

async function computePlanning(view: WorkspaceView, inputs: ClaimMappingsInputs, recorded: readonly LiveRule[] | undefined): Promise<ClaimMappingsPlanning> {
  const desired = inputs.mappings.map(bareRule);
  const allowLockout = inputs.allowLockout ?? false;
  let safety = await safetyFor(view, desired, inputs, false);
  let plan = planClaimMappingChanges(view.live, desired, { ...safety, enforceGuard: !allowLockout });
  if (plan.apiCalls > minimumCalls(view.live.map(ruleKey), desired.map(ruleKey)) && !(await view.ssoProviderExists())) {
    // Without an SSO provider, lists with no owner rule pass too, which may allow a shorter order.
    safety = await safetyFor(view, desired, inputs, true);
    plan = planClaimMappingChanges(view.live, desired, { ...safety, enforceGuard: !allowLockout });
  }
  const violations = await guardViolations(view, inputs);
  const operation = recorded === undefined ? "create" : "update";
  const differs = !sameRuleList(view.live, desired);
  const adoption =
    operation === "create" && view.live.length > 0 && differs
      ? { liveRules: view.live.length, overwriteExisting: inputs.overwriteExisting ?? false, refused: !inputs.overwriteExisting }
      : null;
  const stateOnly = !differs && recorded !== undefined && !sameRecord(recorded, view.live);
  const report: ClaimMappingsPlanReport = {
    resource: "ClaimMappings",
    operation,
    changes: plan.ops.length > 0 || stateOnly,
    live: positioned(view.live),
    desired: positioned(desired),
    rows: planRows(view.live, plan.ops),
    calls: plannedCalls(view.live, plan, safety),
    // When the workspace already holds the declared list, how it got there (an interrupted run, say)
    // changes nothing that up will do: no drift is reported, only the record is brought up to date.
    drift: differs ? driftSince(recorded, view.live) : null,
    stateOnly,
    adoption,
    guard: { verdict: violations.length === 0 ? "passed" : allowLockout ? "overridden" : "refused", violations, everyStepSafe: plan.intermediatesSafe },
    roleChanges: roleChanges(view.live, desired, inputs),
  };
  return { report, plan, safety };
}

/** Whether the stack's record matches the live list: same rules, same ids, same order. */
function sameRecord(recorded: readonly LiveRule[], live: readonly LiveRule[]): boolean {
  return sameRuleList(recorded, live) && recorded.every((rule, i) => rule.id === live[i]!.id);
}

/** The refusal of a create over a workspace that already has other rules, naming the plan and the way out. */
export function adoptionRefusal(report: ClaimMappingsPlanReport): string {
  const summary = describeClaimMappingsPlan(report);
  return [
    `refusing to take over the workspace's ${report.live.length} existing claim-mapping rule(s): this new ClaimMappings would change them as follows:`,
    ...summary.map((line) => `  ${line}`),
    "To proceed: declare the rules the workspace has (the first preview then shows no change), or set overwriteExisting: true on the ClaimMappings resource to let this program own the workspace's rule list.",
  ].join("\n");
}


/** The human summary a preview prints: the rule changes, drift, the guard's verdict and the number of calls. Empty when nothing changes. */
export function describeClaimMappingsPlan(report: ClaimMappingsPlanReport): string[] {
  const lines: string[] = [];
  if (report.drift) {
    lines.push(`drift: the workspace's rules changed outside Pulumi since the stack recorded them:`);
    lines.push(...describeRows(report.drift.rows).map((line) => `  ${line}`));
    for (const grant of report.drift.grantsOwner) lines.push(`  DRIFT GRANTS OWNER: ${grant}`);
    if (report.calls.length) lines.push("up restores the declared list:");
  }
  if (report.stateOnly) {
    lines.push("the workspace already holds the declared list (an earlier run applied it, but the stack did not record it); up records it and sends no API call");
  }
  if (report.calls.length === 0) return lines;
  lines.push(...describeRows(report.rows));
  for (const change of report.roleChanges) {
    if (change.before !== change.after) lines.push(`role of ${change.identity}: ${change.before ?? "no rule"} → ${change.after ?? "no rule"}`);
  }
  const verdict = { passed: "passed", refused: "REFUSED", overridden: "overridden by allowLockout" }[report.guard.verdict];
  const steps = report.guard.everyStepSafe ? "owners can sign in at every step" : "some steps leave no reachable owner e-mail rule";
  lines.push(`${report.calls.length} API call(s); lockout guard: ${verdict}; ${steps}`);
  return lines;
}
