/**
 * `torq-sso fleet …`: one SSO baseline across many Torq workspaces (fleet/). `preview`, `up` and
 * `drift` run one stack per workspace through the Automation API and print one report; `matrix` cuts
 * the fleet into CI jobs and `merge-reports` joins their reports. Exit codes follow `torq-sso review`:
 * 0 nothing to change, 2 changes or drift, 1 refused, failed, stopped or bad input; 130 interrupted.
 */
import { readFileSync } from "node:fs";
import { FleetError } from "../fleet/errors";
import { loadFleetFile, type Fleet } from "../fleet/loadFleetFile";
import { fleetMatrix } from "../fleet/matrix";
import { renderFleetMarkdown } from "../fleet/renderFleetMarkdown";
import { fleetExitCode, fleetReportSchema, mergeReports, unfinished, type FleetOperation, type FleetReport } from "../fleet/report";
import { runFleet } from "../fleet/runFleet";
import { parseOptions, UsageError } from "./usage";

/** The exit code of a run that Ctrl-C or SIGTERM stopped (128 + SIGINT), as shells report it. */
const INTERRUPTED_EXIT = 130;

/** A mistake in a fleet command's input: exit 1, not the usage exit 2, which means "changes" here. */
class FleetInputError extends Error {
  override readonly name = "FleetInputError";
}

/** Parses options; a usage mistake becomes a FleetInputError naming the command's --help. */
function options(command: string, args: readonly string[], spec: { values?: readonly string[]; switches?: readonly string[] }): ReturnType<typeof parseOptions> {
  try {
    return parseOptions(args, spec);
  } catch (err) {
    throw new FleetInputError(`${err instanceof UsageError ? err.message : String(err)} (see torq-sso fleet ${command} --help)`);
  }
}

function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 256) throw new FleetInputError(`--${name} must be an integer from 1 to 256`);
  return value;
}

function fleetFileArgument(command: string, rest: readonly string[]): string {
  if (rest.length === 0) throw new FleetInputError(`fleet ${command} needs the fleet file (see torq-sso fleet ${command} --help)`);
  if (rest.length > 1) throw new FleetInputError(`unexpected argument '${rest[1]}' (see torq-sso fleet ${command} --help)`);
  return rest[0]!;
}

/** Every line of a fleet error (a fleet file's problems, one per line) on stderr; exit 1. */
function reportFailure(err: unknown): number {
  if (!(err instanceof FleetError || err instanceof FleetInputError)) throw err;
  for (const line of err.message.split("\n")) process.stderr.write(`torq-sso: ${line}\n`);
  return 1;
}

/** Cancels on the first SIGINT or SIGTERM; later ones only say that the run is still stopping. */
function cancelOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`torq-sso: ${name}: still stopping: waiting for the running operations to finish and unlock their stacks\n`);
      return;
    }
    process.stderr.write(`torq-sso: ${name}: cancelling: no new workspace starts; waiting for the running operations to stop and unlock their stacks\n`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** What an interrupted or stopped `up` did, and the command that finishes it. */
function resumeSummary(report: FleetReport, file: string): string[] {
  const by = (status: string) => report.workspaces.filter((w) => w.status === status).map((w) => w.name);
  const lines = [`applied: ${[...by("applied"), ...by("no-changes")].join(", ") || "none"}`];
  for (const status of ["refused", "failed", "cancelled", "not-started"]) {
    const names = by(status);
    if (names.length) lines.push(`${status}: ${names.join(", ")}`);
  }
  const rest = unfinished(report);
  if (rest.length) lines.push(`to finish, ${report.interrupted ? "" : "fix what stopped it and "}run: torq-sso fleet up ${file} --only ${rest.join(",")}`);
  return lines;
}

function runCommand(operation: FleetOperation): (args: string[]) => Promise<number> {
  return async (args) => {
    try {
      const { values, switches, rest } = options(operation, args, { values: ["only", "concurrency"], switches: ["json"] });
      const file = fleetFileArgument(operation, rest);
      const fleet: Fleet = loadFleetFile(file);
      const only = values.get("only")?.split(",").map((s) => s.trim()).filter(Boolean);
      const concurrency = positiveInteger("concurrency", values.get("concurrency"));
      const cancel = cancelOnSignals();
      let report: FleetReport;
      try {
        report = await runFleet(fleet, operation, {
          ...(only ? { only } : {}),
          ...(concurrency ? { concurrency } : {}),
          signal: cancel.signal,
          onProgress: (line) => process.stderr.write(`${line}\n`),
        });
      } finally {
        cancel.dispose();
      }
      process.stdout.write(switches.has("json") ? JSON.stringify(report, null, 2) + "\n" : renderFleetMarkdown(report));
      if (operation === "up" && (report.interrupted || report.stoppedBefore)) {
        if (report.stoppedBefore) process.stderr.write(`torq-sso: rollout stopped before wave ${report.stoppedBefore.wave}: ${report.stoppedBefore.because.join(", ")} did not apply\n`);
        for (const line of resumeSummary(report, file)) process.stderr.write(`torq-sso: ${line}\n`);
      }
      return report.interrupted ? INTERRUPTED_EXIT : fleetExitCode(report);
    } catch (err) {
      return reportFailure(err);
    }
  };
}

/** `torq-sso fleet preview FILE`. */
export const fleetPreviewCommand = runCommand("preview");
/** `torq-sso fleet up FILE`. */
export const fleetUpCommand = runCommand("up");
/** `torq-sso fleet drift FILE`. */
export const fleetDriftCommand = runCommand("drift");

/** `torq-sso fleet matrix FILE [--shards N] [--wave NAME]`: prints the CI matrix as one JSON line. */
export async function fleetMatrixCommand(args: string[]): Promise<number> {
  try {
    const { values, rest } = options("matrix", args, { values: ["shards", "wave"] });
    const fleet = loadFleetFile(fleetFileArgument("matrix", rest));
    const shards = positiveInteger("shards", values.get("shards"));
    const wave = values.get("wave");
    process.stdout.write(JSON.stringify(fleetMatrix(fleet, { ...(shards ? { shards } : {}), ...(wave !== undefined ? { wave } : {}) })) + "\n");
    return 0;
  } catch (err) {
    return reportFailure(err);
  }
}

function readReport(file: string): { file: string; report: FleetReport } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FleetInputError(code ? `cannot read ${file}: ${code === "ENOENT" ? "no such file" : code}` : `${file} is not JSON: give it the output of torq-sso fleet preview --json`);
  }
  const parsed = fleetReportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FleetInputError(`${file} is not a fleet report (torq-sso fleet … --json): ${issue?.path.join(".") || "the document"} ${issue?.message ?? "has an unexpected shape"}`);
  }
  return { file, report: parsed.data };
}

/** `torq-sso fleet merge-reports [--json] REPORT...`: one review from the reports of a matrix's jobs. */
export async function fleetMergeReportsCommand(args: string[]): Promise<number> {
  try {
    const { switches, rest } = options("merge-reports", args, { switches: ["json"] });
    if (rest.length === 0) throw new FleetInputError("fleet merge-reports needs at least one report (see torq-sso fleet merge-reports --help)");
    const merged = mergeReports(rest.map(readReport));
    process.stdout.write(switches.has("json") ? JSON.stringify(merged, null, 2) + "\n" : renderFleetMarkdown(merged));
    return fleetExitCode(merged);
  } catch (err) {
    return reportFailure(err);
  }
}
