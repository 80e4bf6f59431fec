/**
 * Which handler serves a method and path. Patterns are literal segments and `:name` parameters;
 * a known path with an unserved method is a 405, an unknown path a 404.
 */
import { methodNotAllowed, notFound } from "./apiError";

/** A matched route: its value and the decoded `:name` parameters. */
export interface RouteMatch<T> {
  route: T;
  params: Readonly<Record<string, string>>;
}

interface Entry<T> {
  method: string;
  segments: readonly string[];
  route: T;
}

/** An ordered set of `(method, pattern) → T` entries. */
export class RouteTable<T> {
  private readonly entries: Entry<T>[] = [];

  add(method: string, pattern: string, route: T): this {
    this.entries.push({ method, segments: pattern.split("/"), route });
    return this;
  }

  /** The route for `method` and `path`, or throws the 404 / 405 to answer. */
  match(method: string, path: string): RouteMatch<T> {
    const segments = path.split("/");
    const allowed: string[] = [];
    for (const entry of this.entries) {
      const params = matchSegments(entry.segments, segments);
      if (params === undefined) continue;
      if (entry.method === method) return { route: entry.route, params };
      allowed.push(entry.method);
    }
    if (allowed.length > 0) throw methodNotAllowed(method, path, allowed);
    throw notFound(`no route ${path}`);
  }
}

function matchSegments(pattern: readonly string[], path: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    const actual = path[i]!;
    if (expected.startsWith(":")) {
      if (actual === "") return undefined;
      const decoded = decodeSegment(actual);
      if (decoded === undefined) return undefined;
      params[expected.slice(1)] = decoded;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
