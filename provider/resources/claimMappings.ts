/**
 * `torq.ClaimMappings`: the workspace's whole, ordered claim-mapping list, authoritative.
 * check validates every rule and runs the lockout guard against the live workspace; diff compares
 * the declared list with the live one (so drift made in the UI shows at preview) and prints a short
 * summary for reviewers; create/update apply the shortest safe plan; delete is guarded.
 */
import { claimMappingsInputsSchema, EMAIL_CLAIM, type AppliedClaimRule, type ClaimMappingsInputs, type ClaimRule } from "../schemas/claimMappings";
import { LockoutRefusedError, oneLineErrors } from "../errors";
import { checkLockout, formatLockoutRefusal } from "../lockout/guard";
import { describePlan, planClaimMappingChanges } from "../plan";
import { containsUnknown, report, workspaceClient } from "../runtime";
import { applyClaimMappings, unknownRoles } from "./applyClaimMappings";
import { toCheckFailures, zodProblems, type CheckFailure, type FieldProblem } from "./checkFailures";
import { bareRule, readWorkspace, sameRuleList, type LiveClaimRule, type WorkspaceView } from "./workspaceView";

/** The singleton's id: a workspace has exactly one claim-mapping list. */
export const CLAIM_MAPPINGS_ID = "claim-mappings";

type Props = Record<string, unknown>;

interface ClaimMappingsState extends Omit<ClaimMappingsInputs, "mappings"> {
  mappings: AppliedClaimRule[];
  allowLockout: boolean;
}

function ruleProblems(mappings: readonly ClaimRule[]): { failures: FieldProblem[]; warnings: FieldProblem[] } {
  const failures: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const firstIndex = new Map<string, number>();
  mappings.forEach((rule, i) => {
    for (const field of ["claimName", "claimValue", "role"] as const) {
      const value = rule[field];
      if (value === "") failures.push({ path: `mappings[${i}].${field}`, message: "must not be empty" });
      else if (value.trim() !== value) failures.push({ path: `mappings[${i}].${field}`, message: "has leading or trailing whitespace, which never matches what an IdP sends" });
    }
    const key = `${rule.claimName}\u0000${rule.claimValue}`;
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

function parseInputs(news: Props): { inputs?: ClaimMappingsInputs; problems: FieldProblem[] } {
  const parsed = claimMappingsInputsSchema.safeParse(news);
  if (!parsed.success) return { problems: zodProblems(parsed.error) };
  return { inputs: parsed.data, problems: [] };
}

function desiredOf(props: Props): ClaimRule[] {
  return (props["mappings"] as ClaimRule[]).map(bareRule);
}

function stateOf(inputs: ClaimMappingsInputs, applied: readonly LiveClaimRule[]): ClaimMappingsState {
  return {
    ...inputs,
    allowLockout: inputs.allowLockout ?? false,
    mappings: applied.map((r) => ({ claimName: r.claimName, claimValue: r.claimValue, role: r.role, id: r.id, rank: r.rank })),
  };
}

function optionsOf(inputs: ClaimMappingsInputs) {
  return { allowLockout: inputs.allowLockout ?? false, breakGlassOwners: inputs.breakGlassOwners, expectations: inputs.expectations };
}

/**
 * The workspace as `check` just read it, handed to the `diff` the engine calls right after it in the
 * same provider process, so a preview reads the workspace once rather than twice. Taken at most once
 * and only while fresh; applying always reads afresh.
 */
let previewRead: { view: WorkspaceView; at: number } | undefined;
const PREVIEW_READ_REUSE_MS = 5_000;

function takePreviewRead(): WorkspaceView | undefined {
  const read = previewRead;
  previewRead = undefined;
  return read && Date.now() - read.at <= PREVIEW_READ_REUSE_MS ? read.view : undefined;
}

const operations = {
  async check(_olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    const { inputs, problems } = parseInputs(news);
    if (!inputs) return { inputs: news, failures: toCheckFailures(problems) };
    const normalized: Props = { ...inputs, allowLockout: inputs.allowLockout ?? false };
    if (containsUnknown(news)) return { inputs: normalized, failures: [] };

    const { failures, warnings } = ruleProblems(inputs.mappings);
    for (const w of warnings) report(`warning: ${w.path}: ${w.message}`);

    const view = await readWorkspace(workspaceClient());
    previewRead = { view, at: Date.now() };
    for (const { index, role } of unknownRoles(inputs.mappings, view.roles)) {
      failures.push({ path: `mappings[${index}].role`, message: `the workspace has no role "${role}" (it has: ${view.roles.names.join(", ")})` });
    }
    const violations = checkLockout({
      mappings: inputs.mappings,
      breakGlassOwners: inputs.breakGlassOwners,
      expectations: inputs.expectations,
      ssoProviderExists: view.ssoProviderExists,
    });
    if (violations.length) {
      const message = formatLockoutRefusal(violations, "preview");
      if (inputs.allowLockout) report(`WARNING: allowLockout is set, so this plan will be applied although the lockout guard refuses it:\n${message}`);
      else failures.push({ path: "", message });
    }
    return { inputs: normalized, failures: toCheckFailures(failures) };
  },

  async diff(_id: string, olds: Props, news: Props): Promise<{ changes: boolean }> {
    if (containsUnknown(news)) {
      report("ClaimMappings: some rules are not known until apply; the plan is computed then.");
      return { changes: true };
    }
    const desired = desiredOf(news);
    const view = takePreviewRead() ?? (await readWorkspace(workspaceClient()));
    const recorded = Array.isArray(olds["mappings"]) ? desiredOf(olds) : undefined;
    const lines: string[] = [];
    if (recorded && !sameRuleList(recorded, view.live)) {
      lines.push(`drift: the workspace's rules differ from the last applied list (changed outside Pulumi); up restores the declared list`);
    }
    const plan = planClaimMappingChanges(
      view.live.map((r) => ({ ...bareRule(r), id: r.id })),
      desired,
      { ssoProviderExists: view.ssoProviderExists, enforceGuard: !news["allowLockout"] },
    );
    const settingsChanged = ["breakGlassOwners", "expectations", "allowLockout"].some(
      (key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null),
    );
    if (plan.ops.length) {
      lines.push(...describePlan(view.live.map((r) => ({ ...bareRule(r), id: r.id })), desired, plan.ops));
      const verdict = news["allowLockout"] ? "overridden by allowLockout" : "passed";
      lines.push(`lockout guard: ${verdict}; ${plan.intermediatesSafe ? "owners can sign in at every step" : "some steps leave no reachable owner e-mail rule"}`);
    }
    if (lines.length) report(["ClaimMappings plan:", ...lines.map((l) => `  ${l}`)].join("\n"));
    return { changes: plan.ops.length > 0 || settingsChanged };
  },

  async create(news: Props): Promise<{ id: string; outs: Props }> {
    const inputs = claimMappingsInputsSchema.parse(news);
    const { applied } = await applyClaimMappings(workspaceClient(), inputs.mappings, optionsOf(inputs));
    return { id: CLAIM_MAPPINGS_ID, outs: { ...stateOf(inputs, applied) } };
  },

  async update(_id: string, _olds: Props, news: Props): Promise<{ outs: Props }> {
    const inputs = claimMappingsInputsSchema.parse(news);
    const { applied } = await applyClaimMappings(workspaceClient(), inputs.mappings, optionsOf(inputs));
    return { outs: { ...stateOf(inputs, applied) } };
  },

  async read(id: string, props: Props): Promise<{ id: string; props: Props; inputs: Props }> {
    const view = await readWorkspace(workspaceClient());
    const mappings = view.live.map((r) => ({ ...bareRule(r), id: r.id, rank: r.rank }));
    const settings = {
      breakGlassOwners: props["breakGlassOwners"],
      expectations: props["expectations"],
      allowLockout: props["allowLockout"] ?? false,
    };
    const cleaned = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    return { id, props: { ...cleaned, mappings }, inputs: { ...cleaned, mappings: view.live.map(bareRule) } };
  },

  async delete(_id: string, props: Props): Promise<void> {
    const client = workspaceClient();
    const allowLockout = props["allowLockout"] === true;
    const view = await readWorkspace(client);
    if (!allowLockout) {
      const violations = checkLockout({ mappings: [], ssoProviderExists: view.ssoProviderExists });
      if (violations.length) throw new LockoutRefusedError(formatLockoutRefusal(violations, "delete", view.live));
    }
    await applyClaimMappings(client, [], { allowLockout: true });
  },
};

/** The ClaimMappings resource provider the shim calls: every operation fails with one sentence, no stack trace. */
export const claimMappingsProvider = {
  check: (olds: Props, news: Props) => oneLineErrors(() => operations.check(olds, news)),
  diff: (id: string, olds: Props, news: Props) => oneLineErrors(() => operations.diff(id, olds, news)),
  create: (news: Props) => oneLineErrors(() => operations.create(news)),
  update: (id: string, olds: Props, news: Props) => oneLineErrors(() => operations.update(id, olds, news)),
  read: (id: string, props: Props) => oneLineErrors(() => operations.read(id, props)),
  delete: (id: string, props: Props) => oneLineErrors(() => operations.delete(id, props)),
};
