/**
 * The errors of `torq-sso fleet`: one base with a stable `code`, a subclass where callers branch.
 * Messages name files, fields, workspaces and environment variables — never a credential's value.
 */

/** The base of every error the fleet raises on purpose. */
export abstract class FleetError extends Error {
  abstract readonly code: string;
}

/** One problem of a fleet file: where, which field, and what is wrong. */
export interface FleetFileProblem {
  /** 1-based line, or null when the problem has no place in the file (it cannot be read). */
  line: number | null;
  /** The field as a path, e.g. `workspaces[2].credentials.clientSecret`; empty for the whole file. */
  field: string;
  message: string;
}

/** `fleet.yaml:12: workspaces[1].apiUrl: must be an https URL`. */
export function formatProblem(file: string, problem: FleetFileProblem): string {
  const where = problem.line === null ? file : `${file}:${problem.line}`;
  return `${where}: ${problem.field ? `${problem.field}: ` : ""}${problem.message}`;
}

/** A fleet file that cannot be used; `problems` lists every reason, `message` one per line. */
export class FleetFileError extends FleetError {
  override readonly name = "FleetFileError";
  readonly code = "FLEET_FILE_INVALID";
  constructor(
    readonly file: string,
    readonly problems: readonly FleetFileProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join("\n"));
  }
}

/** A mistake in how the fleet was asked to run (an unknown workspace or wave name). */
export class FleetUsageError extends FleetError {
  override readonly name = "FleetUsageError";
  readonly code = "FLEET_USAGE";
}

/** An environment variable a workspace's credentials name is not set. */
export class FleetCredentialsError extends FleetError {
  override readonly name = "FleetCredentialsError";
  readonly code = "FLEET_CREDENTIALS_MISSING";
}

/** A Pulumi command of the fleet failed before the operation itself (creating the stack, setting its config). */
export class FleetStackError extends FleetError {
  override readonly name = "FleetStackError";
  readonly code = "FLEET_STACK_FAILED";
}

/** The Pulumi CLI cannot be found. */
export class PulumiCliMissingError extends FleetError {
  override readonly name = "PulumiCliMissingError";
  readonly code = "PULUMI_CLI_MISSING";
}

/** A report that cannot be read or merged. */
export class FleetReportError extends FleetError {
  override readonly name = "FleetReportError";
  readonly code = "FLEET_REPORT_INVALID";
}
