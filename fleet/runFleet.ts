/**
 * Running a fleet: one stack per workspace through the Automation API, a bounded number at a time.
 * `preview` and `drift` run every workspace at once (they write nothing); `up` goes wave by wave and
 * does not start a wave after one where a workspace was refused, failed or was cancelled. An abort
 * (Ctrl-C) starts nothing new and cancels what runs: the Automation API sends each running `pulumi`
 * one SIGINT, Pulumi's graceful cancel, and the run waits for each to finish and unlock its stack.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { OpMap, Stack } from "@pulumi/pulumi/automation";
import { buildReview, planRefused, type Review } from "../cli/review/buildReview";
import type { Fleet, FleetWorkspace } from "./loadFleetFile";
import { PreviewCollector } from "./previewFromEvents";
import { fleetPulumiCommand } from "./pulumiCommand";
import type { FleetOperation, FleetReport, WorkspaceReport, WorkspaceStatus } from "./report";
import { prepareRulesProject } from "./rulesProgram";
import { FleetCredentialsError, FleetUsageError } from "./errors";
import { openWorkspaceStack, pulumiErrorLine, readCredentials, type StackSetting, type WorkspaceCredentials } from "./workspaceStack";

/**
 * Workspaces at once when neither the command nor the fleet file says: twice the machine's available
 * parallelism. A workspace's run waits about as long as it computes (processes starting, the
 * engine's gRPC round trips, the event log), so two per core keep the cores busy; bench/fleet.ts
 * measures it (on 2 shared cores, 20 workspaces: 2 at a time 1.2-1.4x faster than one at a time,
 * 4 at a time 1.6-1.9x, 8 no better than 4).
 */
export function defaultConcurrency(): number {
  return 2 * availableParallelism();
}

/** How to run a fleet command. */
export interface FleetRunOptions {
  /** Workspaces at once; default the fleet file's `concurrency`, else `defaultConcurrency()`. */
  concurrency?: number;
  /** Only these workspaces (names); default all. */
  only?: readonly string[];
  /** Aborting cancels the run cleanly (see the module's doc). */
  signal?: AbortSignal;
  /** Where the credentials' environment variables are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** One line per workspace as it finishes. */
  onProgress?: (line: string) => void;
}

// The provider's refusals: the lockout guard's, adoption's, and Pulumi's own for a protected resource.
const REFUSAL = /\blockout\b|refusing to take over|\bprotected\b|marked for protection/i;
// What `--expect-no-changes` adds when it finds changes: for drift that is the finding, not a failure.
const EXPECTED_NO_CHANGES = /no changes were expected but changes were proposed/i;

/** The workspaces to run, in wave order; an unknown name is a usage error. */
export function selectWorkspaces(fleet: Fleet, only: readonly string[] | undefined): FleetWorkspace[] {
  if (!only) return fleet.workspaces;
  const names = new Set(fleet.workspaces.map((w) => w.name));
  const unknown = only.filter((name) => !names.has(name));
  if (unknown.length) throw new FleetUsageError(`--only names no workspace of ${fleet.file}: ${unknown.join(", ")}`);
  return fleet.workspaces.filter((w) => only.includes(w.name));
}

/** Runs `run` on each item, at most `limit` at a time; after an abort, starts no more. */
export async function forEachBounded<T>(items: readonly T[], limit: number, signal: AbortSignal | undefined, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function changed(changes: OpMap | undefined): boolean {
  return Object.entries(changes ?? {}).some(([op, n]) => op !== "same" && op !== "read" && (n ?? 0) > 0);
}

function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // The Automation API's CommandError carries the command's whole output; Pulumi's `error:` line is the reason.
  return pulumiErrorLine(message) ?? message.split("\n")[0] ?? "unknown error";
}

/** What one workspace's operation came to, before it is placed in the report. */
interface Outcome {
  status: WorkspaceStatus;
  reason: string | null;
  changes: OpMap | null;
  review: Review | null;
  steps?: { kind: string; name: string; op: string }[];
}

async function reviewOf(collector: PreviewCollector, credentials: WorkspaceCredentials, drop?: RegExp): Promise<Review> {
  const preview = collector.preview();
  if (drop) preview.diagnostics = (preview.diagnostics ?? []).filter((d) => !(d.severity === "error" && drop.test(d.message)));
  // Only this workspace's key: the review must not fall back to a TORQ_* of the environment meant for another.
  return buildReview(preview, { TORQ_CLIENT_ID: credentials.clientId, TORQ_CLIENT_SECRET: credentials.clientSecret });
}

/** A provider's error without the host's prefix: `ClaimMappings sso-rules: lockout guard: …`. */
export function withoutHostPrefix(message: string): string {
  return message.replace(/^(?:pulumi-nodejs:dynamic\/torq|torq:index):(\w+) resource '([^']+)' has a problem: /, "$1 $2: ").trim();
}

function refusedOrFailed(review: Review | null, errors: readonly string[], thrown: unknown): Outcome {
  const refused = (review?.resources.some((r) => planRefused(r.plan)) ?? false) || errors.some((m) => REFUSAL.test(m));
  const reason = errors[0] ?? review?.errors[0]?.message ?? (thrown === undefined ? null : errorText(thrown));
  return { status: refused ? "refused" : "failed", reason: reason === null ? null : withoutHostPrefix(reason), changes: null, review };
}

async function runOne(operation: FleetOperation, setting: StackSetting, workspace: FleetWorkspace, credentials: WorkspaceCredentials, signal: AbortSignal | undefined): Promise<Outcome> {
  const collector = new PreviewCollector();
  let thrown: unknown;
  let changes: OpMap | undefined;
  let stack: Stack | undefined;
  try {
    stack = await openWorkspaceStack(setting, workspace, credentials);
    if (signal?.aborted) return { status: "not-started", reason: "the run was interrupted before it started", changes: null, review: null };
    const common = { onEvent: collector.onEvent, color: "never" as const, ...(signal ? { signal } : {}) };
    if (operation === "up") changes = (await stack.up(common)).summary.resourceChanges;
    else changes = (await stack.preview({ ...common, expectNoChanges: operation === "drift" })).changeSummary;
  } catch (err) {
    thrown = err;
  }
  if (thrown !== undefined && signal?.aborted) {
    // Pulumi takes the stack's lock before it installs its graceful-cancel handler: a SIGINT in between
    // ends it at once, lock held. Its process has exited, so a lock left now is its own: release it
    // (a file backend's lock files are deleted; Pulumi Cloud cancels the update). Nothing to release is no error.
    await stack?.cancel().catch(() => undefined);
    return { status: "cancelled", reason: "interrupted (Ctrl-C or SIGTERM) while it ran", changes: changes ?? null, review: null };
  }
  const drop = operation === "drift" ? EXPECTED_NO_CHANGES : undefined;
  const errors = collector.errors().map((d) => d.message).filter((m) => !drop?.test(m));
  if (operation === "up") {
    if (thrown === undefined) return { status: changed(changes) ? "applied" : "no-changes", reason: null, changes: changes ?? null, review: null, steps: collector.torqSteps() };
    // A refused up wrote nothing to the refused resource: its review, planned against the workspace as it is, says why.
    const review = await reviewOf(collector, credentials).catch(() => null);
    return refusedOrFailed(review, errors, thrown);
  }
  let review: Review | null = null;
  try {
    review = await reviewOf(collector, credentials, drop);
  } catch (err) {
    return { status: "failed", reason: errors[0] ?? `its review could not be made: ${errorText(err)}`, changes: changes ?? null, review: null };
  }
  if (errors.length || review.refused || (thrown !== undefined && !(operation === "drift" && review.changes))) return refusedOrFailed(review, errors, thrown);
  const status: WorkspaceStatus = review.changes ? (operation === "drift" ? "drift" : "changes") : "no-changes";
  return { status, reason: null, changes: changes ?? null, review };
}

function label(status: WorkspaceStatus, operation: FleetOperation): string {
  if (status === "no-changes") return operation === "drift" ? "in sync" : "no changes";
  return status.replace("-", " ");
}

/** Runs `preview`, `up` or `drift` over the fleet and reports every workspace. */
export async function runFleet(fleet: Fleet, operation: FleetOperation, options: FleetRunOptions = {}): Promise<FleetReport> {
  const selected = selectWorkspaces(fleet, options.only);
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const credentials = new Map<string, WorkspaceCredentials>();
  for (const workspace of selected) {
    try {
      credentials.set(workspace.name, readCredentials(workspace, env));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length) throw new FleetCredentialsError(problems.join("; "));

  // Pulumi refuses a file backend whose folder does not exist; the fleet file naming one is reason enough to make it.
  const stateDir = /^file:\/\/(\/.*)$/.exec(fleet.backend ?? "")?.[1];
  if (stateDir) mkdirSync(stateDir, { recursive: true });

  const limit = options.concurrency ?? fleet.concurrency ?? defaultConcurrency();
  const scratch = mkdtempSync(path.join(tmpdir(), "torq-sso-fleet-"));
  const reports = new Map<string, WorkspaceReport>();
  const order = new Map(fleet.workspaces.map((w, i) => [w.name, i]));
  const place = (workspace: FleetWorkspace, outcome: Outcome, seconds: number | null): void => {
    const report: WorkspaceReport = {
      name: workspace.name,
      stack: workspace.stack,
      order: order.get(workspace.name)!,
      wave: { index: workspace.wave, name: fleet.waves[workspace.wave]!.name },
      ...outcome,
      changes: outcome.changes ? Object.fromEntries(Object.entries(outcome.changes).map(([op, n]) => [op, n ?? 0])) : null,
      steps: outcome.steps ?? null,
      seconds: seconds === null ? null : Math.round(seconds * 10) / 10,
    };
    reports.set(workspace.name, report);
    const why = outcome.reason ? `: ${outcome.reason.split("\n")[0]}` : "";
    options.onProgress?.(`[wave ${workspace.wave + 1} ${report.wave.name}] ${workspace.name}: ${label(outcome.status, operation)}${seconds === null ? "" : ` (${seconds.toFixed(1)} s)`}${why}`);
  };
  let stoppedBefore: FleetReport["stoppedBefore"] = null;
  try {
    const setting: StackSetting = { fleet, command: await fleetPulumiCommand(scratch), rulesDir: path.join(scratch, "project") };
    if (!fleet.programDir) prepareRulesProject(setting.rulesDir, fleet.project);
    const runBatch = (batch: readonly FleetWorkspace[]) =>
      forEachBounded(batch, limit, options.signal, async (workspace) => {
        const started = performance.now();
        const outcome = await runOne(operation, setting, workspace, credentials.get(workspace.name)!, options.signal);
        place(workspace, outcome, (performance.now() - started) / 1000);
      });
    if (operation !== "up") await runBatch(selected);
    else {
      for (let wave = 0; wave < fleet.waves.length && !options.signal?.aborted; wave++) {
        const batch = selected.filter((w) => w.wave === wave);
        if (batch.length === 0) continue;
        await runBatch(batch);
        // An interrupt is not the wave's verdict: the loop ends, and what did not start says so below.
        if (options.signal?.aborted) break;
        const stoppers = batch.filter((w) => ["refused", "failed", "cancelled"].includes(reports.get(w.name)?.status ?? ""));
        const rest = selected.filter((w) => w.wave > wave);
        if (stoppers.length && rest.length) {
          stoppedBefore = { wave: fleet.waves[rest[0]!.wave]!.name, because: stoppers.map((w) => w.name) };
          const why = `wave ${wave + 1} (${fleet.waves[wave]!.name}) stopped the rollout (${stoppers.map((w) => `${w.name} ${reports.get(w.name)!.status}`).join(", ")})`;
          for (const w of rest) place(w, { status: "not-started", reason: why, changes: null, review: null }, null);
          break;
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const workspace of selected) {
    if (!reports.has(workspace.name)) place(workspace, { status: "not-started", reason: "the run was interrupted before it started", changes: null, review: null }, null);
  }
  return {
    version: 1,
    operation,
    interrupted: options.signal?.aborted ?? false,
    stoppedBefore,
    workspaces: selected.map((w) => reports.get(w.name)!),
  };
}
