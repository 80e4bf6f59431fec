/**
 * `torq.ClaimMappings`: the workspace's whole, ordered claim-mapping list, authoritative.
 * check validates every rule and, against the live workspace, runs the lockout guard and refuses to
 * take over a workspace's other rules unasked; diff plans the declared list against the live one
 * (so drift made in the UI shows at preview) and prints the plan for reviewers; create/update apply
 * that plan; delete is guarded.
 */
import { report, warn } from "../diagnostics";
import { LockoutRefusedError, oneLineErrors, ProviderInputError, userFacing } from "../errors";
import { checkLockout, formatLockoutRefusal } from "../lockout/guard";
import { claimKey, type ClaimRule, type LiveRule } from "../rules/rule";
import { claimMappingsInputsSchema, claimMappingsStateSchema, EMAIL_CLAIM, type ClaimMappingsInputs, type ClaimMappingsState } from "../schemas/claimMappings";
import { containsUnknown } from "../unknowns";
import { workspace } from "../workspaceContext";
import { applyClaimMappings, unknownRoles, type ApplyKind } from "./applyClaimMappings";
import { adoptionRefusal, describeClaimMappingsPlan, formatGuardRefusal, guardViolations, planClaimMappings, type ClaimMappingsPlanReport } from "./claimMappingsPlan";
import { toCheckFailures, zodProblems, type CheckFailure, type FieldProblem } from "./checkFailures";
import { readWorkspace, withRanks } from "./workspaceView";

/** The singleton's id: a workspace has exactly one claim-mapping list. */
export const CLAIM_MAPPINGS_ID = "claim-mappings";

type Props = Record<string, unknown>;

/** Problems of the rules themselves, before asking the workspace: failures, and warnings that do not stop the plan. */
export function ruleProblems(mappings: readonly ClaimRule[]): { failures: FieldProblem[]; warnings: FieldProblem[] } {
  const failures: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const firstIndex = new Map<string, number>();
  mappings.forEach((rule, i) => {
    for (const field of ["claimName", "claimValue", "role"] as const) {
      const value = rule[field];
      if (value === "") failures.push({ path: `mappings[${i}].${field}`, message: "must not be empty" });
      else if (value.trim() !== value) failures.push({ path: `mappings[${i}].${field}`, message: "has leading or trailing whitespace, which never matches what an IdP sends" });
    }
    const key = claimKey(rule);
    const earlier = firstIndex.get(key);
    if (earlier !== undefined) {
      failures.push({
        path: `mappings[${i}]`,
        message: `duplicates mappings[${earlier}] (${rule.claimName} = ${rule.claimValue}); rules are evaluated top-down, so this one can never match`,
      });
    } else firstIndex.set(key, i);
    if (rule.claimName === EMAIL_CLAIM && rule.claimValue !== rule.claimValue.toLowerCase()) {
      warnings.push({
        path: `mappings[${i}].claimValue`,
        message: `"${rule.claimValue}" has upper-case letters; matching is case-sensitive and IdPs send e-mail claims as the user typed them, so check it matches what your IdP sends`,
      });
    }
  });
  return { failures, warnings };
}

/** The list the stack recorded (with the workspace's ids), or undefined when the state holds none. */
function recordedRules(olds: Props): LiveRule[] | undefined {
  const state = claimMappingsStateSchema.shape.mappings.safeParse(olds["mappings"]);
  return state.success ? state.data.map(({ claimName, claimValue, role, id }) => ({ claimName, claimValue, role, id })) : undefined;
}

function stateOf(inputs: ClaimMappingsInputs, applied: readonly LiveRule[]): ClaimMappingsState {
  return { ...inputs, allowLockout: inputs.allowLockout ?? false, mappings: withRanks(applied) };
}

/** The plan's summary, as the preview prints it under the resource kind. */
function reportPlan(planned: ClaimMappingsPlanReport): void {
  const lines = describeClaimMappingsPlan(planned);
  if (lines.length) report(["ClaimMappings plan:", ...lines.map((l) => `  ${l}`)].join("\n"));
  for (const grant of planned.drift?.grantsOwner ?? []) warn(`ClaimMappings: drift grants Owner: ${grant}, made outside Pulumi; up restores the declared list`);
}

/** What `diff` decides, with the plan it decided on: the resource provider plugin turns it into a per-rule detailed diff. */
export interface ClaimMappingsDiff {
  changes: boolean;
  /** The plan, or undefined while some rules are not known (a preview whose inputs depend on other resources). */
  plan: ClaimMappingsPlanReport | undefined;
  /** The settings besides the rules whose declared value changed since the stack recorded them. */
  settingsChanged: string[];
}

/** The diff of the declared list against the live one (reported for reviewers), as data. */
async function diffWithPlan(olds: Props, news: Props): Promise<ClaimMappingsDiff> {
  if (containsUnknown(news)) {
    report("ClaimMappings: some rules are not known until apply; the plan is computed then.");
    return { changes: true, plan: undefined, settingsChanged: [] };
  }
  const inputs = claimMappingsInputsSchema.parse(news);
  const view = await workspace().readForDiff();
  // A record this version cannot read counts as matching the workspace: no drift is claimed.
  const { report: planned } = await planClaimMappings(view, inputs, recordedRules(olds) ?? view.live);
  reportPlan(planned);
  const settingsChanged = (["breakGlassOwners", "expectations", "allowLockout", "overwriteExisting"] as const).filter(
    (key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null),
  );
  return { changes: planned.changes || settingsChanged.length > 0, plan: planned, settingsChanged };
}

const operations = {
  async check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    const parsed = claimMappingsInputsSchema.safeParse(news);
    if (!parsed.success) return { inputs: news, failures: toCheckFailures(zodProblems(parsed.error)) };
    const inputs = parsed.data;
    const normalized: Props = { ...inputs, allowLockout: inputs.allowLockout ?? false };
    if (containsUnknown(news)) return { inputs: normalized, failures: [] };

    const { failures, warnings } = ruleProblems(inputs.mappings);
    for (const w of warnings) warn(`ClaimMappings ${w.path}: ${w.message}`);

    const view = await workspace().readForCheck();
    for (const { index, role } of unknownRoles(inputs.mappings, view.roles)) {
      failures.push({ path: `mappings[${index}].role`, message: `the workspace has no role "${role}" (it has: ${view.roles.names.join(", ")})` });
    }
    const violations = await guardViolations(view, inputs);
    if (violations.length && !inputs.allowLockout) failures.push({ path: "", message: formatGuardRefusal(violations, inputs) });
    else if (violations.length) {
      warn(`ClaimMappings: allowLockout is set, so this plan will be applied although the lockout guard refuses it:\n${formatGuardRefusal(violations, inputs)}`);
    }
    // A create gets no diff call: its plan is shown, and taking over other rules judged, here. (check
    // receives the old inputs, which have no workspace ids: an update's plan waits for diff.)
    if (!("mappings" in olds) && failures.length === 0) {
      const { report: planned } = await planClaimMappings(view, inputs, undefined);
      if (planned.adoption?.refused) failures.push({ path: "", message: adoptionRefusal(planned) });
      else reportPlan(planned);
    }
    return { inputs: normalized, failures: toCheckFailures(failures) };
  },

  async diff(_id: string, olds: Props, news: Props): Promise<{ changes: boolean }> {
    const { changes } = await diffWithPlan(olds, news);
    return { changes };
  },

  async apply(news: Props, kind: ApplyKind): Promise<Props> {
    const inputs = claimMappingsInputsSchema.parse(news);
    const applied = await applyClaimMappings(workspace().client, inputs, kind, await workspace().readForApply());
    return { ...stateOf(inputs, applied) };
  },

  async read(id: string, props: Props): Promise<{ id: string; props: Props; inputs: Props }> {
    const view = await workspace().readForDiff();
    const settings = {
      breakGlassOwners: props["breakGlassOwners"],
      expectations: props["expectations"],
      allowLockout: props["allowLockout"] ?? false,
      overwriteExisting: props["overwriteExisting"],
    };
    const kept = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    const rules = view.live.map(({ claimName, claimValue, role }) => ({ claimName, claimValue, role }));
    return { id, props: { ...kept, mappings: withRanks(view.live) }, inputs: { ...kept, mappings: rules } };
  },

  async delete(_id: string, props: Props): Promise<void> {
    const client = workspace().client;
    const allowLockout = props["allowLockout"] === true;
    const view = await workspace().readForDiff();
    if (!allowLockout) {
      const violations = checkLockout({ mappings: [], ssoProviderExists: await view.ssoProviderExists() });
      if (violations.length) throw new LockoutRefusedError(formatLockoutRefusal(violations, "delete", view.live));
    }
    await applyClaimMappings(client, { mappings: [], allowLockout: true }, "update");
  },
};

/**
 * A create that failed after writing: Pulumi's "created, but failed to initialize" answer, so the
 * stack records the resource with the list the workspace now holds, and the next `up` finishes the
 * plan as an update instead of refusing to take over a half-applied list. Refusals, which write
 * nothing, stay plain errors.
 */
async function createFailure(err: unknown, news: Props): Promise<unknown> {
  const failure = userFacing(err);
  if (failure instanceof LockoutRefusedError || failure instanceof ProviderInputError) return failure;
  try {
    const inputs = claimMappingsInputsSchema.parse(news);
    const live = (await readWorkspace(workspace().client)).live;
    return Object.assign(failure, {
      id: CLAIM_MAPPINGS_ID,
      properties: { ...stateOf(inputs, live), [PROVIDER_KEY]: news[PROVIDER_KEY] },
      reasons: [failure.message],
    });
  } catch {
    return failure;
  }
}

/** The key under which Pulumi's dynamic provider keeps the serialized provider in a resource's properties. */
const PROVIDER_KEY = "__provider";

/** The ClaimMappings resource provider the shim calls: every operation fails with one sentence, no stack trace. */
export const claimMappingsProvider = {
  check: (olds: Props, news: Props) => oneLineErrors(() => operations.check(olds, news)),
  diff: (id: string, olds: Props, news: Props) => oneLineErrors(() => operations.diff(id, olds, news)),
  /** `diff` with the plan it decided on, for the resource provider plugin's detailed diff. */
  diffWithPlan: (olds: Props, news: Props) => oneLineErrors(() => diffWithPlan(olds, news)),
  create: (news: Props) =>
    oneLineErrors(async () => {
      try {
        return { id: CLAIM_MAPPINGS_ID, outs: await operations.apply(news, "create") };
      } catch (err) {
        throw await createFailure(err, news);
      }
    }),
  update: (_id: string, _olds: Props, news: Props) => oneLineErrors(async () => ({ outs: await operations.apply(news, "update") })),
  read: (id: string, props: Props) => oneLineErrors(() => operations.read(id, props)),
  delete: (id: string, props: Props) => oneLineErrors(() => operations.delete(id, props)),
};
