/**
 * `torq-sso evaluate --mappings FILE --claims JSON [--json]`: which rule and role an identity gets from
 * a claim-mapping list, evaluated exactly as Torq does (top-down, first match, case-sensitive).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { evaluateClaims } from "../provider/lockout/evaluate";
import { claimRuleSchema, claimsSchema, type ClaimRule, type Claims } from "../provider/schemas/claimMappings";
import { parseOptions, UsageError } from "./usage";

type Path = readonly PropertyKey[];

function formatPath(base: string, path: Path): string {
  let out = base;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** Every problem zod found, on one line, each naming its field: `mappings[2].role: expected string, got number`. */
function describeIssues(base: string, input: unknown, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const where = formatPath(base, issue.path);
      const value = valueAt(input, issue.path);
      if (issue.code === "invalid_type") {
        const expected = issue.expected === "record" ? "object" : issue.expected;
        return `${where}: expected ${expected}${value === undefined ? " (missing)" : `, got ${kindOf(value)}`}`;
      }
      if (issue.code === "invalid_union") {
        // A claim is a string or a list of strings: point at the element that is neither.
        const bad = Array.isArray(value) ? value.findIndex((v) => typeof v !== "string") : -1;
        if (bad !== -1) return `${formatPath(base, [...issue.path, bad])}: expected string, got ${kindOf((value as unknown[])[bad])}`;
        return `${where}: expected a string or an array of strings, got ${kindOf(value)}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join("; ");
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${what} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** Reads a mappings file: an array of rules, or an object with a `mappings` array (e.g. a stack's inputs). */
export function readMappingsFile(file: string): ClaimRule[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read --mappings ${file}: ${code === "ENOENT" ? "no such file" : code ?? String(err)}`);
  }
  const data = parseJson(text, `--mappings ${file}`);
  const isWrapped = data !== null && typeof data === "object" && !Array.isArray(data);
  if (!Array.isArray(data) && !(isWrapped && "mappings" in data)) {
    throw new UsageError(`--mappings ${file}: expected an array of { claimName, claimValue, role } or { "mappings": [...] }`);
  }
  const mappings: unknown = isWrapped ? (data as { mappings: unknown }).mappings : data;
  const parsed = z.array(claimRuleSchema).safeParse(mappings);
  if (!parsed.success) throw new UsageError(describeIssues("mappings", mappings, parsed.error.issues));
  return parsed.data;
}

/** Parses `--claims`: a JSON object of claim name → string or array of strings. */
export function parseClaims(text: string): Claims {
  const data = parseJson(text, "--claims");
  const parsed = claimsSchema.safeParse(data);
  if (!parsed.success) throw new UsageError(describeIssues("claims", data, parsed.error.issues));
  return parsed.data;
}

/** Runs the command; prints the outcome to stdout and returns the exit code. Throws `UsageError` on bad input. */
export async function evaluateCommand(args: string[]): Promise<number> {
  const { values, switches, rest } = parseOptions(args, { values: ["mappings", "claims"], switches: ["json"] });
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}' (usage: torq-sso evaluate --mappings FILE --claims JSON [--json])`);
  const file = values.get("mappings");
  const claimsText = values.get("claims");
  if (file === undefined) throw new UsageError("evaluate needs --mappings FILE (usage: torq-sso evaluate --mappings FILE --claims JSON [--json])");
  if (claimsText === undefined) throw new UsageError(`evaluate needs --claims JSON, e.g. --claims '{"email":"a@x.io","groups":["sre"]}'`);
  const mappings = readMappingsFile(file);
  const claims = parseClaims(claimsText);
  const { role, ruleIndex } = evaluateClaims(mappings, claims);
  const rule = ruleIndex === null ? null : mappings[ruleIndex]!;
  if (switches.has("json")) {
    process.stdout.write(JSON.stringify({ role, ruleIndex, rule }) + "\n");
  } else if (rule === null) {
    process.stdout.write("no rule matches\n");
  } else {
    process.stdout.write(`${role} (rule ${ruleIndex! + 1}: ${rule.claimName} = ${rule.claimValue})\n`);
  }
  return 0;
}

