/**
 * The fleet report: one verdict per workspace, with the `torq-sso review` of its preview, in wave
 * order. What `torq-sso fleet preview | up | drift --json` prints and `fleet merge-reports` joins;
 * declared once here, in zod, so a merged file is checked before it is trusted.
 */
import { z } from "zod";
import type { Review } from "../cli/review/buildReview";
import { FleetReportError } from "./errors";

/**
 * What happened to a workspace: `no-changes` / `changes` (preview; drift's in sync / `drift`),
 * `applied` (up), `refused` (the provider's guard said no: nothing was applied to it), `failed`,
 * `cancelled` (interrupted while it ran), `not-started` (an earlier wave stopped the rollout, or the
 * run was interrupted first).
 */
export const WORKSPACE_STATUSES = ["no-changes", "changes", "applied", "drift", "refused", "failed", "cancelled", "not-started"] as const;
/** One of WORKSPACE_STATUSES. */
export type WorkspaceStatus = (typeof WORKSPACE_STATUSES)[number];

/** The fleet commands that make a report. */
export const FLEET_OPERATIONS = ["preview", "up", "drift"] as const;
/** One of FLEET_OPERATIONS. */
export type FleetOperation = (typeof FLEET_OPERATIONS)[number];

// A review is made by this package and read back by it: check its frame, trust its contents.
const reviewSchema = z.custom<Review>(
  (value) => typeof value === "object" && value !== null && (value as { version?: unknown }).version === 1 && Array.isArray((value as { resources?: unknown }).resources),
  { error: "is not a torq-sso review" },
);

/** One workspace in a fleet report. */
export const workspaceReportSchema = z.object({
  name: z.string(),
  stack: z.string(),
  /** Its place in the fleet file (wave order), so merged reports keep the fleet's order. */
  order: z.number().int(),
  wave: z.object({ index: z.number().int(), name: z.string() }),
  status: z.enum(WORKSPACE_STATUSES),
  /** Why it was refused, failed, cancelled or not started; null otherwise. */
  reason: z.string().nullable(),
  /** Pulumi's change summary (`{ create: 1, same: 2 }`), when the operation got that far. */
  changes: z.record(z.string(), z.number()).nullable(),
  /** `up`: the resources of this package it changed, with Pulumi's step (`{ kind: "ClaimMappings", name: "sso-rules", op: "create" }`). */
  steps: z.array(z.object({ kind: z.string(), name: z.string(), op: z.string() })).nullable(),
  /** The review of its preview (`torq-sso review --json`), for preview and drift, and for an up that was refused. */
  review: reviewSchema.nullable(),
  seconds: z.number().nullable(),
});
/** One workspace in a fleet report. */
export type WorkspaceReport = z.output<typeof workspaceReportSchema>;

/** A fleet report: what `fleet preview | up | drift --json` prints and `merge-reports` reads. */
export const fleetReportSchema = z.object({
  version: z.literal(1),
  operation: z.enum(FLEET_OPERATIONS),
  /** Whether Ctrl-C / SIGTERM stopped the run. */
  interrupted: z.boolean(),
  /** `up` only: the wave it did not start, and the workspaces of the wave before that stopped it. */
  stoppedBefore: z.object({ wave: z.string(), because: z.array(z.string()) }).nullable(),
  workspaces: z.array(workspaceReportSchema),
});
/** A fleet report. */
export type FleetReport = z.output<typeof fleetReportSchema>;

const FAILED: ReadonlySet<WorkspaceStatus> = new Set(["refused", "failed", "cancelled"]);

/**
 * The exit code of a fleet command, like `torq-sso review`: 1 when a workspace was refused, failed or
 * cancelled, or the rollout stopped; else 2 when a preview has changes or drift was found; else 0.
 */
export function fleetExitCode(report: FleetReport): number {
  if (report.interrupted || report.stoppedBefore || report.workspaces.some((w) => FAILED.has(w.status))) return 1;
  return report.workspaces.some((w) => w.status === "changes" || w.status === "drift") ? 2 : 0;
}

/** Workspaces whose `up` is not done: what `--only` must name to finish an interrupted or stopped rollout. */
export function unfinished(report: FleetReport): string[] {
  return report.workspaces.filter((w) => w.status !== "applied" && w.status !== "no-changes").map((w) => w.name);
}

/** Joins the reports of one operation (one per CI job) into one, in the fleet's order. */
export function mergeReports(reports: readonly { file: string; report: FleetReport }[]): FleetReport {
  if (reports.length === 0) throw new FleetReportError("no report to merge");
  const operation = reports[0]!.report.operation;
  const seen = new Map<string, string>();
  for (const { file, report } of reports) {
    if (report.operation !== operation) throw new FleetReportError(`${file} is a fleet ${report.operation} report; ${reports[0]!.file} is a fleet ${operation} report`);
    for (const ws of report.workspaces) {
      if (seen.has(ws.name)) throw new FleetReportError(`${file} and ${seen.get(ws.name)} both report workspace ${ws.name}`);
      seen.set(ws.name, file);
    }
  }
  const workspaces = reports.flatMap((r) => r.report.workspaces).sort((a, b) => a.order - b.order);
  return {
    version: 1,
    operation,
    interrupted: reports.some((r) => r.report.interrupted),
    stoppedBefore: reports.find((r) => r.report.stoppedBefore)?.report.stoppedBefore ?? null,
    workspaces,
  };
}
