/**
 * The review as Markdown for a pull-request comment: a summary table first, then a section per
 * resource (its rules before → after, the calls in order, drift, who changes role), and the preview's
 * warnings and errors as such.
 */
import type { ClaimMappingsPlanReport } from "../../provider/resources/claimMappingsPlan";
import { describeFieldChanges, describeSsoProviderPlan, type SsoProviderPlanReport } from "../../provider/resources/ssoProviderPlan";
import { describeRows, type RuleChange } from "../../provider/plan";
import { planRefused, type ClaimMappingsDeletion, type Review, type ReviewedResource, type SsoEnforcementPlanReport } from "./buildReview";

/** Text safe inside a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/`/g, "\\`").replace(/[\r\n]+/g, " ");
}

function code(text: string): string {
  return "`" + text.replace(/`/g, "'") + "`";
}

function title(resource: ReviewedResource): string {
  return `${resource.kind} ${code(resource.name)}`;
}

/** The lockout guard's verdict on a resource's plan, as the summary table shows it. */
export function guardCell(resource: ReviewedResource): string {
  const plan = resource.plan;
  if (!plan) return "—";
  if (plan.resource === "ClaimMappings") {
    if (plan.operation === "delete") return plan.guard.verdict === "refused" ? "**refused**" : plan.guard.verdict;
    if (plan.adoption?.refused) return "**refused** (takes over existing rules)";
    const verdict = plan.guard.verdict === "refused" ? "**refused**" : plan.guard.verdict === "overridden" ? "**overridden** (allowLockout)" : "passed";
    return plan.calls.length ? `${verdict}; ${plan.guard.everyStepSafe ? "owners can sign in at every step" : "**some steps leave no reachable owner rule**"}` : verdict;
  }
  if (plan.resource === "SsoProvider") {
    if (plan.adoption?.refused) return "**refused** (takes over a different provider)";
    if (plan.identityChange?.refused) return "**refused** (identity change under SSO-only)";
    return plan.cautions.length ? "⚠️ caution" : "passed";
  }
  return "—";
}

/** What a resource's plan changes, in a few words (`update: 1 added, 2 moved`). */
export function changeCell(resource: ReviewedResource): string {
  const plan = resource.plan;
  if (!plan) return resource.step + (resource.note ? ` (${resource.note})` : "");
  if (plan.resource === "ClaimMappings") {
    if (plan.operation === "delete") return `**delete**: removes all ${plan.live.length} rule(s)`;
    const counts = { added: 0, removed: 0, edited: 0, moved: 0 };
    for (const row of plan.rows) {
      if (row.kind === "added") counts.added++;
      else if (row.kind === "removed") counts.removed++;
      else {
        if (row.edited) counts.edited++;
        if (row.moved) counts.moved++;
      }
    }
    const parts = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
    if (plan.drift) parts.push("drift");
    if (plan.stateOnly) parts.push("records the applied list");
    return `${resource.step}${parts.length ? `: ${parts.join(", ")}` : ""}`;
  }
  if (plan.resource === "SsoProvider") {
    const fields = plan.changedFields.map((c) => c.field);
    if (plan.secret === "rotated") fields.push("clientSecret (rotated)");
    return `${resource.step}${fields.length ? `: ${fields.join(", ")}` : ""}`;
  }
  return `${resource.step}: ssoOnly ${plan.ssoOnly.live} → ${plan.ssoOnly.declared ?? "(known at apply)"}`;
}

/** How many API calls a resource's plan sends. */
export function callsCell(resource: ReviewedResource): string {
  const plan = resource.plan;
  if (plan?.resource === "ClaimMappings" && plan.operation !== "delete") return String(plan.calls.length);
  if (plan?.resource === "ClaimMappings") return String(plan.live.length);
  return plan ? "1" : "—";
}

function ruleTable(plan: ClaimMappingsPlanReport): string[] {
  const byPosition = new Map<number, RuleChange>();
  for (const row of plan.rows) if (row.kind !== "removed") byPosition.set(row.after.position, row);
  const lines = ["| # | claim | value | role | change |", "|--:|---|---|---|---|"];
  for (const rule of plan.desired) {
    const row = byPosition.get(rule.position);
    let role = cell(rule.role);
    let change = "";
    if (row?.kind === "added") change = "**added**";
    else if (row?.kind === "changed") {
      const parts: string[] = [];
      if (row.edited) {
        parts.push("**edited**");
        if (row.before.role !== row.after.role) role = `${cell(row.after.role)} (was ${cell(row.before.role)})`;
        if (row.before.claimName !== row.after.claimName || row.before.claimValue !== row.after.claimValue) {
          parts.push(`was ${cell(`${row.before.claimName} = ${row.before.claimValue}`)}`);
        }
      }
      if (row.moved) parts.push(`**moved** from ${row.before.position}`);
      change = parts.join(", ");
    }
    lines.push(`| ${rule.position} | ${cell(rule.claimName)} | ${cell(rule.claimValue)} | ${role} | ${change} |`);
  }
  for (const row of plan.rows) {
    if (row.kind === "removed") {
      lines.push(`| | ${cell(row.before.claimName)} | ${cell(row.before.claimValue)} | ${cell(row.before.role)} | **removed** (was ${row.before.position}) |`);
    }
  }
  return lines;
}

function claimMappingsSection(plan: ClaimMappingsPlanReport): string[] {
  const lines: string[] = [];
  if (plan.adoption) {
    lines.push(
      plan.adoption.refused
        ? `**Refused:** this new resource would take over the workspace's ${plan.adoption.liveRules} existing rule(s); declare them, or set \`overwriteExisting: true\`.`
        : `Takes over the workspace's ${plan.adoption.liveRules} existing rule(s) (\`overwriteExisting\`).`,
      "",
    );
  }
  if (plan.drift) {
    lines.push("**Drift** — changed in the workspace outside Pulumi since the stack recorded the list:", "");
    lines.push(...describeRows(plan.drift.rows).map((l) => `- ${code(l)}`));
    for (const grant of plan.drift.grantsOwner) lines.push(`- ⚠️ **drift grants Owner:** ${cell(grant)}`);
    lines.push("");
  }
  if (plan.stateOnly) lines.push("The workspace already holds the declared list; `up` only records it (no API call).", "");
  if (plan.calls.length) {
    lines.push(...ruleTable(plan), "");
    lines.push("API calls, in order:", "");
    for (const call of plan.calls) {
      lines.push(`${call.step}. ${code(call.description)}${call.ownersCanSignInAfter ? "" : " — ⚠️ owners cannot sign in after this call"}`);
    }
    lines.push("");
  }
  const changes = plan.roleChanges.filter((c) => c.before !== c.after || c.after !== c.expected);
  if (changes.length) {
    lines.push("| who | must get | before | after |", "|---|---|---|---|");
    for (const c of changes) {
      const ok = c.after === c.expected ? "" : " ⚠️";
      lines.push(`| ${cell(c.identity)} (${c.source}) | ${cell(c.expected ?? "no rule")} | ${cell(c.before ?? "no rule")} | ${cell(c.after ?? "no rule")}${ok} |`);
    }
    lines.push("");
  }
  if (plan.guard.violations.length) {
    lines.push(`Lockout guard ${plan.guard.verdict === "overridden" ? "overridden by `allowLockout`" : "**refuses**"}:`, "");
    lines.push(...plan.guard.violations.map((v) => `- ${code(v.code)}: ${cell(v.message)}`), "");
  }
  return lines;
}

function deletionSection(plan: ClaimMappingsDeletion): string[] {
  const lines = [`Removes every rule the workspace has (${plan.live.length}):`, "", "| # | claim | value | role |", "|--:|---|---|---|"];
  for (const r of plan.live) lines.push(`| ${r.position} | ${cell(r.claimName)} | ${cell(r.claimValue)} | ${cell(r.role)} |`);
  lines.push("");
  if (plan.guard.message) lines.push("```", plan.guard.message, "```", "");
  return lines;
}

function ssoProviderSection(plan: SsoProviderPlanReport): string[] {
  const lines: string[] = [];
  if (plan.adoption?.refused) lines.push("**Refused:** the workspace already has a different SSO provider; declare it, or set `overwriteExisting: true`.", "");
  if (plan.identityChange?.refused) lines.push(`**Refused by the lockout guard:** changes ${plan.identityChange.fields.join(", ")} while SSO-only login is on.`, "");
  if (plan.changedFields.length) {
    lines.push("| setting | live | declared |", "|---|---|---|");
    for (const line of describeFieldChanges(plan)) {
      const [, field, live, declared] = /^~ ([^:]+): (.*) → (.*)$/.exec(line) ?? [];
      if (field) lines.push(`| ${cell(field)} | ${cell(live ?? "")} | ${cell(declared ?? "")} |`);
    }
    lines.push("");
  }
  const notes = describeSsoProviderPlan(plan).filter((l) => !l.startsWith("~ ") || l.includes("clientSecret"));
  lines.push(...notes.map((l) => `- ${l.startsWith("CAUTION: ") ? `⚠️ **${cell(l)}**` : cell(l)}`));
  if (notes.length) lines.push("");
  return lines;
}

function enforcementSection(plan: SsoEnforcementPlanReport): string[] {
  return [`SSO-only login: ${plan.ssoOnly.live ? "on" : "off"} → ${plan.ssoOnly.declared === null ? "known at apply" : plan.ssoOnly.declared ? "**on**" : "off"}.`, ""];
}

/** The review as a Markdown document. */
export function renderMarkdown(review: Review): string {
  const lines: string[] = [];
  const verdict = review.refused ? "❌ **refused**" : review.changes ? "changes" : "✅ no changes";
  lines.push(`### pulumi-torq-sso review: ${verdict}`, "");
  if (review.resources.length) {
    lines.push("| resource | change | API calls | lockout guard |", "|---|---|--:|---|");
    for (const r of review.resources) lines.push(`| ${title(r)} | ${cell(changeCell(r))} | ${callsCell(r)} | ${guardCell(r)}${planRefused(r.plan) ? "" : ""} |`);
    lines.push("");
  } else {
    lines.push("No resource of pulumi-torq-sso changes.", "");
  }
  if (review.errors.length) {
    lines.push("#### ❌ Errors", "");
    for (const e of review.errors) lines.push(`- ${e.resource ? `${cell(e.resource)}: ` : ""}`, "  ```", ...e.message.split("\n").map((l) => `  ${l}`), "  ```");
    lines.push("");
  }
  if (review.warnings.length) {
    lines.push("#### ⚠️ Warnings", "");
    for (const w of review.warnings) lines.push(`- ${w.resource ? `${cell(w.resource)}: ` : ""}${cell(w.message)}`);
    lines.push("");
  }
  for (const r of review.resources) {
    lines.push(`#### ${title(r)} — ${r.step}`, "");
    const plan = r.plan;
    if (!plan) lines.push(r.note ? `${r.note}.` : "", "");
    else if (plan.resource === "ClaimMappings") lines.push(...(plan.operation === "delete" ? deletionSection(plan) : claimMappingsSection(plan)));
    else if (plan.resource === "SsoProvider") lines.push(...ssoProviderSection(plan));
    else lines.push(...enforcementSection(plan));
  }
  return lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}
