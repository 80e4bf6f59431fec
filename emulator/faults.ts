/**
 * [local, test hooks] Injected faults: rules that make matching requests slow, fail, lose their
 * connection, or read stale data, each for a number of requests.
 */
import { randomUUID } from "node:crypto";
import type { FaultRule } from "./testHookSchemas";
import { invalidArgument } from "./http/apiError";

interface ActiveFault {
  id: string;
  rule: FaultRule;
  segments: readonly string[];
  remaining: number;
}

/**
 * Whether `path` matches `pattern`: segments compare literally, `*` matches one segment, and a
 * trailing `**` matches any rest (including none).
 */
export function pathMatchesPattern(patternSegments: readonly string[], path: string): boolean {
  const segments = path.split("/");
  for (let i = 0; i < patternSegments.length; i++) {
    const expected = patternSegments[i]!;
    if (expected === "**" && i === patternSegments.length - 1) return true;
    const actual = segments[i];
    if (actual === undefined) return false;
    if (expected !== "*" && expected !== actual) return false;
    if (expected === "*" && actual === "") return false;
  }
  return segments.length === patternSegments.length;
}

/** The fault rules in force, first added first matched. */
export class FaultBook {
  private faults: ActiveFault[] = [];

  /** Adds a rule (validated with faultRuleSchema); returns its id. */
  add(rule: FaultRule): string {
    if (!rule.path.startsWith("/")) throw invalidArgument("path", "path must start with /");
    const segments = rule.path.split("/");
    if (segments.slice(0, -1).includes("**")) throw invalidArgument("path", "path may use ** only as its last segment");
    const id = randomUUID();
    this.faults.push({ id, rule, segments, remaining: rule.times });
    return id;
  }

  /**
   * The first rule matching this request, counted as used once. A rule whose only effect is a stale
   * read matches GETs only.
   */
  take(method: string, path: string): FaultRule | undefined {
    const fault = this.faults.find(
      (candidate) =>
        (candidate.rule.method === undefined || candidate.rule.method.toUpperCase() === method) &&
        (method === "GET" || !isStaleReadOnly(candidate.rule)) &&
        pathMatchesPattern(candidate.segments, path),
    );
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault.rule;
  }

  clear(): void {
    this.faults = [];
  }
}

function isStaleReadOnly(rule: FaultRule): boolean {
  return rule.stale_read === true && rule.status === undefined && rule.drop === undefined && rule.delay_ms === undefined;
}
