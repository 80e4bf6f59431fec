/**
 * The review of a preview: for each resource of this package that the preview changes, the plan the
 * provider itself makes (the same planner and evaluator `pulumi up` runs, against the workspace as it
 * is now), plus the preview's own warnings and errors. What `torq-sso review` renders.
 */
import { resolveConnection, type ConfigSource } from "../../provider/config";
import { checkLockout, formatLockoutRefusal } from "../../provider/lockout/guard";
import { planClaimMappings, type ClaimMappingsPlanReport } from "../../provider/resources/claimMappingsPlan";
import { checkSsoProviderInputs } from "../../provider/resources/ssoProvider";
import { planSsoProvider, SECRET_ROTATED_NOTE, type SecretChange, type SsoProviderPlanReport } from "../../provider/resources/ssoProviderPlan";
import { readWorkspace, withRanks, type WorkspaceView } from "../../provider/resources/workspaceView";
import { TorqClient } from "../../provider/client/client";
import type { LiveRule } from "../../provider/rules/rule";
import { appliedClaimRuleSchema, claimMappingsInputsSchema } from "../../provider/schemas/claimMappings";
import { ssoEnforcementInputsSchema } from "../../provider/schemas/ssoProvider";
import { SECRET_PLACEHOLDER, torqKind, urnName, urnType, type PreviewJson, type PreviewStep, type TorqKind } from "./previewJson";

/** A diagnostic of the preview, as the review lists it. */
export interface ReviewMessage {
  severity: "warning" | "error";
  /** The resource it belongs to (`ClaimMappings rules`), or null for the stack. */
  resource: string | null;
  message: string;
}

/** Deleting the `ClaimMappings` resource: every rule goes. */
export interface ClaimMappingsDeletion {
  resource: "ClaimMappings";
  operation: "delete";
  live: { position: number; claimName: string; claimValue: string; role: string }[];
  guard: { verdict: "passed" | "refused" | "overridden"; message: string | null };
}

/** SSO-only login turned on or off. */
export interface SsoEnforcementPlanReport {
  resource: "SsoEnforcement";
  operation: "create" | "update" | "delete";
  ssoOnly: { live: boolean; declared: boolean | null };
}

export type ResourcePlan = ClaimMappingsPlanReport | ClaimMappingsDeletion | SsoProviderPlanReport | SsoEnforcementPlanReport;

/** One resource of the preview with its plan. */
export interface ReviewedResource {
  urn: string;
  name: string;
  kind: TorqKind;
  /** Pulumi's step: create, update, delete, same… */
  step: string;
  plan: ResourcePlan | null;
  /** Why no plan could be made (the preview refused it, or its inputs are not known until apply). */
  note: string | null;
}

/** The whole review, what `--json` prints. */
export interface Review {
  version: 1;
  /** Whether applying the preview changes anything in a workspace. */
  changes: boolean;
  /** Whether the preview failed (a refusal of the lockout guard, a bad input…). */
  refused: boolean;
  resources: ReviewedResource[];
  warnings: ReviewMessage[];
  errors: ReviewMessage[];
}

const CHANGING_STEPS = new Set(["create", "update", "delete", "replace", "create-replacement", "delete-replaced"]);

function configFrom(preview: PreviewJson): ConfigSource {
  const config = preview.config ?? {};
  return {
    get(key) {
      const value = config[key];
      return typeof value === "string" && value !== SECRET_PLACEHOLDER ? value : undefined;
    },
  };
}

/** A resource's inputs without the dynamic provider's serialized code. */
function withoutProvider(inputs: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inputs ?? {}).filter(([key]) => key !== "__provider"));
}

function recordedRules(outputs: Record<string, unknown> | undefined): LiveRule[] | undefined {
  const parsed = appliedClaimRuleSchema.array().safeParse(outputs?.["mappings"]);
  return parsed.success ? parsed.data.map(({ claimName, claimValue, role, id }) => ({ claimName, claimValue, role, id })) : undefined;
}

function messagesOf(preview: PreviewJson): { warnings: ReviewMessage[]; errors: ReviewMessage[] } {
  const warnings: ReviewMessage[] = [];
  const errors: ReviewMessage[] = [];
  for (const d of preview.diagnostics ?? []) {
    if (d.severity !== "warning" && d.severity !== "error") continue;
    // Pulumi prefixes the severity; the review shows it as a column instead.
    const message = d.message.replace(/^(warning|error): /, "").trimEnd();
    if (d.severity === "error" && message === "preview failed") continue;
    const resource = d.urn ? `${torqKind(urnType(d.urn)) ?? urnType(d.urn)} ${urnName(d.urn)}` : null;
    (d.severity === "warning" ? warnings : errors).push({ severity: d.severity, resource, message });
  }
  return { warnings, errors };
}

/** What reading the workspace costs is paid once, and only when a resource of ours changes. */
class WorkspaceReads {
  private client: TorqClient | undefined;
  private view: Promise<WorkspaceView> | undefined;

  constructor(private readonly config: ConfigSource, private readonly env: NodeJS.ProcessEnv) {}

  api(): TorqClient {
    this.client ??= new TorqClient(resolveConnection(this.config, this.env));
    return this.client;
  }

  rules(): Promise<WorkspaceView> {
    this.view ??= readWorkspace(this.api());
    return this.view;
  }
}

async function planStep(step: PreviewStep, kind: TorqKind, reads: WorkspaceReads, diagnostics: string): Promise<Pick<ReviewedResource, "plan" | "note">> {
  const inputs = withoutProvider(step.newState?.inputs);
  if (step.op === "delete" || step.op === "delete-replaced") {
    if (kind !== "ClaimMappings") return { plan: null, note: kind === "SsoProvider" ? "deletes the workspace's SSO provider" : "turns SSO-only login off" };
    const view = await reads.rules();
    const allowLockout = step.oldState?.inputs?.["allowLockout"] === true;
    const violations = checkLockout({ mappings: [], ssoProviderExists: await view.ssoProviderExists() });
    const plan: ClaimMappingsDeletion = {
      resource: "ClaimMappings",
      operation: "delete",
      live: withRanks(view.live).map(({ claimName, claimValue, role, rank }) => ({ position: rank, claimName, claimValue, role })),
      guard: {
        verdict: violations.length === 0 ? "passed" : allowLockout ? "overridden" : "refused",
        message: violations.length ? formatLockoutRefusal(violations, "delete", view.live) : null,
      },
    };
    return { plan, note: null };
  }
  if (kind === "ClaimMappings") {
    const parsed = claimMappingsInputsSchema.safeParse(inputs);
    if (!parsed.success) return { plan: null, note: "its inputs are not known until apply, or the preview refused them" };
    const recorded = step.op === "create" ? undefined : (recordedRules(step.oldState?.outputs) ?? []);
    const { report } = await planClaimMappings(await reads.rules(), parsed.data, recorded);
    return { plan: report, note: null };
  }
  if (kind === "SsoProvider") {
    const { checked } = await checkSsoProviderInputs({ ...inputs, clientSecret: inputs["clientSecret"] === SECRET_PLACEHOLDER ? "(secret)" : inputs["clientSecret"] }, new Date());
    if (!checked) return { plan: null, note: "its inputs are not known until apply, or the preview refused them" };
    const client = reads.api();
    const [live, settings] = await Promise.all([client.getSsoProvider(), client.getSsoSettings()]);
    const secret: SecretChange =
      checked.inputs.protocol !== "oidc" || inputs["clientSecret"] === undefined
        ? "none"
        : step.op === "create" || !live?.client_secret_set
          ? "set"
          : diagnostics.includes(SECRET_ROTATED_NOTE)
            ? "rotated"
            : "unchanged";
    const operation = step.op === "create" ? "create" : "update";
    return { plan: planSsoProvider(checked.inputs, { operation, live, ssoOnly: settings.sso_only, secret, metadataCertificates: checked.metadataCertificates }), note: null };
  }
  const declared = ssoEnforcementInputsSchema.safeParse(inputs);
  const live = await reads.api().getSsoSettings();
  const plan: SsoEnforcementPlanReport = {
    resource: "SsoEnforcement",
    operation: step.op === "create" ? "create" : "update",
    ssoOnly: { live: live.sso_only, declared: declared.success ? declared.data.ssoOnly : null },
  };
  return { plan, note: null };
}

/** Builds the review of a preview, reading the workspace (with the stack's config and the environment's credentials) only when needed. */
export async function buildReview(preview: PreviewJson, env: NodeJS.ProcessEnv = process.env): Promise<Review> {
  const reads = new WorkspaceReads(configFrom(preview), env);
  const { warnings, errors } = messagesOf(preview);
  const diagnostics = (preview.diagnostics ?? []).map((d) => d.message).join("\n");
  const resources: ReviewedResource[] = [];
  for (const step of preview.steps ?? []) {
    const kind = torqKind(step.newState?.type ?? step.oldState?.type ?? urnType(step.urn));
    if (!kind || !CHANGING_STEPS.has(step.op) || step.op === "create-replacement") continue;
    const { plan, note } = await planStep(step, kind, reads, diagnostics);
    resources.push({ urn: step.urn, name: urnName(step.urn), kind, step: step.op, plan, note });
  }
  const anyChange = resources.length > 0 || (preview.steps ?? []).some((s) => s.op !== "same" && s.op !== "read");
  return { version: 1, changes: anyChange, refused: errors.length > 0 || resources.some((r) => planRefused(r.plan)), resources, warnings, errors };
}

/** Whether applying this plan would be refused (the workspace may have changed since the preview, which then passed). */
export function planRefused(plan: ResourcePlan | null): boolean {
  if (!plan) return false;
  if (plan.resource === "ClaimMappings") return plan.guard.verdict === "refused" || (plan.operation !== "delete" && plan.adoption?.refused === true);
  if (plan.resource === "SsoProvider") return plan.adoption?.refused === true || plan.identityChange?.refused === true;
  return false;
}

/** The exit code of `torq-sso review`, like `terraform plan -detailed-exitcode`: 0 no change, 2 changes, 1 refused. */
export function reviewExitCode(review: Review): number {
  if (review.refused) return 1;
  return review.changes ? 2 : 0;
}
