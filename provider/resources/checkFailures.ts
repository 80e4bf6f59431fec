/**
 * Turning validation problems into Pulumi `CheckFailure`s: every problem at once, each naming its
 * field (`mappings[2].claimValue`) in the reason. The property is left empty on purpose: the engine
 * prints a named property's whole value next to the reason, which for a list is noise and for a
 * secret must never happen.
 */
import type { z } from "zod";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** A problem found in one field. */
export interface FieldProblem {
  path: string;
  message: string;
}

export function toCheckFailures(problems: readonly FieldProblem[]): CheckFailure[] {
  return problems.map((p) => ({ property: "", reason: p.path ? `${p.path}: ${p.message}` : p.message }));
}

/** Renders a zod path as `mappings[2].claimValue`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Every issue of a failed zod parse, as field problems. */
export function zodProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}
