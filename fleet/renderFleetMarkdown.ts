/**
 * The fleet report as Markdown for a pull-request comment: a summary table of every workspace first
 * (wave, verdict, what changes, API calls, the lockout guard), then a section per workspace — its
 * `torq-sso review`, or why it was refused, failed or not started.
 */
import { callsCell, cell, changeCell, guardCell, renderMarkdown } from "../cli/review/renderMarkdown";
import { unfinished, type FleetReport, type WorkspaceReport, type WorkspaceStatus } from "./report";

const VERDICTS: Record<WorkspaceStatus, string> = {
  "no-changes": "✅ no changes",
  changes: "changes",
  applied: "✅ applied",
  drift: "⚠️ **drift**",
  refused: "❌ **refused**",
  failed: "❌ **failed**",
  cancelled: "⏹️ cancelled",
  "not-started": "⏸️ not started",
};

// What a review says when no resource of ours changes: the verdict in the table says it already.
const NO_RESOURCE_CHANGES = "No resource of pulumi-torq-sso changes.";

function verdict(ws: WorkspaceReport, operation: FleetReport["operation"]): string {
  return ws.status === "no-changes" && operation === "drift" ? "✅ in sync" : VERDICTS[ws.status];
}

function changesCell(ws: WorkspaceReport): string {
  const resources = ws.review?.resources ?? [];
  if (resources.length) return resources.map((r) => `${r.kind} \`${r.name.replace(/`/g, "'")}\`: ${cell(changeCell(r))}`).join("<br>");
  if (ws.steps?.length) return ws.steps.map((s) => `${s.kind} \`${s.name.replace(/`/g, "'")}\`: ${s.op}`).join("<br>");
  return "—";
}

function callsTotal(ws: WorkspaceReport): string {
  const counts = (ws.review?.resources ?? []).map((r) => Number(callsCell(r))).filter((n) => Number.isFinite(n));
  return counts.length ? String(counts.reduce((a, b) => a + b, 0)) : "—";
}

function guardSummary(ws: WorkspaceReport): string {
  const verdicts = (ws.review?.resources ?? []).map(guardCell).filter((v) => v !== "—");
  return verdicts.length ? verdicts.join("<br>") : "—";
}

function headline(report: FleetReport): string {
  const counts = new Map<string, number>();
  for (const ws of report.workspaces) {
    const word = verdict(ws, report.operation).replace(/[^a-z -]/g, "").trim();
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const parts = [...counts.entries()].map(([word, n]) => `${n} ${word}`);
  return `### pulumi-torq-sso fleet ${report.operation}: ${report.workspaces.length} workspace(s) — ${parts.join(", ")}`;
}

/** A workspace's section: why it stopped, and its review; none for a workspace with nothing to say beyond the table's verdict. */
function section(ws: WorkspaceReport, operation: FleetReport["operation"]): string[] {
  const body: string[] = [];
  // A workspace not started has the rollout's reason, said once above the table.
  // A review with errors shows the reason itself, in its Errors section.
  const reviewSaysIt = (ws.review?.errors.length ?? 0) > 0;
  if (ws.reason && ws.status !== "not-started" && !reviewSaysIt) body.push(...(ws.reason.includes("\n") ? ["```", ws.reason, "```"] : [`Reason: ${ws.reason}`]), "");
  if (ws.review && ws.status !== "no-changes") {
    // The review's own heading repeats the verdict this section's heading already gives.
    const review = renderMarkdown(ws.review).split("\n").slice(1);
    body.push(review.filter((line) => line !== NO_RESOURCE_CHANGES).join("\n").trim(), "");
  }
  if (body.every((line) => line.trim() === "")) return [];
  const heading = `## \`${ws.name}\` — wave ${ws.wave.index + 1} (${cell(ws.wave.name)}): ${verdict(ws, operation)}`;
  return [heading, "", ...(ws.stack !== ws.name ? [`Stack \`${ws.stack}\`.`, ""] : []), ...body];
}

/** The report as a Markdown document. */
export function renderFleetMarkdown(report: FleetReport): string {
  const lines = [headline(report), ""];
  if (report.interrupted) {
    const rest = unfinished(report);
    lines.push(`**Interrupted** (Ctrl-C or SIGTERM): every running operation was cancelled and its stack unlocked.${rest.length ? ` Not finished: ${rest.map((n) => `\`${n}\``).join(", ")}; run the command again with \`--only ${rest.join(",")}\` (workspaces already applied have nothing left to change).` : ""}`, "");
  }
  if (report.stoppedBefore) {
    lines.push(`**Rollout stopped before wave \`${cell(report.stoppedBefore.wave)}\`** because of ${report.stoppedBefore.because.map((n) => `\`${n}\``).join(", ")}; later waves were not touched.`, "");
  }
  lines.push("| wave | workspace | verdict | changes | API calls | lockout guard |", "|---|---|---|---|--:|---|");
  for (const ws of report.workspaces) {
    lines.push(`| ${ws.wave.index + 1} ${cell(ws.wave.name)} | \`${ws.name}\` | ${verdict(ws, report.operation)} | ${changesCell(ws)} | ${callsTotal(ws)} | ${guardSummary(ws)} |`);
  }
  lines.push("");
  for (const ws of report.workspaces) lines.push(...section(ws, report.operation));
  return lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}
