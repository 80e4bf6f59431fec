/**
 * Reading a fleet file (YAML, or JSON, which is YAML too) into a `Fleet`: every problem found at once,
 * each with the line it is on and the field it names — never the value, which might be a secret
 * pasted where an environment variable's name belongs.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import type { BreakGlassOwner, ClaimRule, Expectation } from "../provider/schemas/claimMappings";
import { FleetFileError, type FleetFileProblem } from "./errors";
import { DEFAULT_FLEET_PROJECT, DEFAULT_RULES_RESOURCE, fleetFileSchema, type FleetFile, type FleetWorkspaceEntry } from "./schema";

/** The `ClaimMappings` a workspace of a baseline declared in the file gets: the baseline, then its additions. */
export interface FleetRules {
  resourceName: string;
  mappings: ClaimRule[];
  breakGlassOwners: BreakGlassOwner[];
  expectations: Expectation[];
  overwriteExisting: boolean;
}

/** One workspace of a fleet, resolved: its stack, where its API is, where its key comes from, and what it gets. */
export interface FleetWorkspace {
  name: string;
  stack: string;
  /** 0-based index of its wave in `Fleet.waves`. */
  wave: number;
  region: "us" | "eu" | undefined;
  apiUrl: string | undefined;
  authUrl: string | undefined;
  /** Names of the environment variables holding the API key. */
  credentials: { clientId: string; clientSecret: string };
  /** Stack config for the program besides the connection, keys fully qualified (`project:key`), values as Pulumi stores them. */
  config: Record<string, string>;
  /** For a baseline declared in the file: the whole ClaimMappings of this workspace. */
  rules: FleetRules | undefined;
}

/** A validated fleet. */
export interface Fleet {
  /** The fleet file, as given. */
  file: string;
  /** The Pulumi project: `project` of the file, or the program's own. */
  project: string;
  /** The backend URL, a relative file:// path made absolute; undefined: Pulumi's own choice. */
  backend: string | undefined;
  concurrency: number | undefined;
  /** A Pulumi project folder run per workspace, or undefined when the baseline is declared in the file. */
  programDir: string | undefined;
  waves: { name: string; workspaces: string[] }[];
  /** In wave order, then in the file's order. */
  workspaces: FleetWorkspace[];
}

/** The path of a zod issue as a field name: `workspaces[2].credentials`. */
function fieldName(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) out += typeof segment === "number" ? `[${segment}]` : `${out ? "." : ""}${String(segment)}`;
  return out;
}

/** The line of the deepest node along `segments` (a key's own line for a map entry). */
function lineOf(doc: Document, counter: LineCounter, segments: readonly PropertyKey[]): number | null {
  let node: Node | null = doc.contents;
  let at: number | undefined = node?.range?.[0];
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      at = isScalar(pair.key) ? pair.key.range?.[0] : at;
      node = isPair(pair) && pair.value && typeof pair.value === "object" && "range" in pair.value ? (pair.value as Node) : null;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (!item || typeof item !== "object" || !("range" in item)) break;
      node = item as Node;
      at = node.range?.[0];
    } else break;
  }
  return at === undefined ? null : counter.linePos(at).line;
}

function problemsOf(error: z.ZodError, doc: Document, counter: LineCounter): FleetFileProblem[] {
  const problems: FleetFileProblem[] = [];
  for (const issue of error.issues) {
    // An unknown key is reported on its object; point at the key itself.
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    for (const key of keys) {
      const segments = key === undefined ? issue.path : [...issue.path, key];
      const message = key !== undefined ? "is not a field here (check its spelling)" : issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
      problems.push({ line: lineOf(doc, counter, segments), field: fieldName(segments), message });
    }
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function configKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function configText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A relative `file://` backend is relative to the fleet file, not to wherever the command runs. */
function resolveBackend(backend: string | undefined, dir: string): string | undefined {
  if (backend === undefined) return undefined;
  const match = /^file:\/\/(.*)$/.exec(backend);
  if (!match || match[1] === "" || match[1]!.startsWith("/") || match[1]!.startsWith("~")) return backend;
  return `file://${path.resolve(dir, match[1]!)}`;
}

function programProject(file: string, programDir: string, line: number | null): string {
  const problem = (message: string) => new FleetFileError(file, [{ line, field: "baseline.program", message }]);
  if (!existsSync(programDir) || !statSync(programDir).isDirectory()) throw problem(`${programDir} is not a folder`);
  const settings = ["Pulumi.yaml", "Pulumi.yml"].map((name) => path.join(programDir, name)).find((f) => existsSync(f));
  if (!settings) throw problem(`${programDir} has no Pulumi.yaml: give a Pulumi project folder`);
  const name: unknown = parseDocument(readFileSync(settings, "utf8")).get("name");
  if (typeof name !== "string" || name === "") throw problem(`${settings} names no project`);
  return name;
}

function resolveWorkspace(entry: FleetWorkspaceEntry, wave: number, data: FleetFile, project: string): FleetWorkspace {
  const base = data.baseline.claimMappings;
  return {
    name: entry.name,
    stack: entry.stack ?? entry.name,
    wave,
    region: entry.region,
    apiUrl: entry.apiUrl,
    authUrl: entry.authUrl,
    credentials: { ...entry.credentials },
    config: Object.fromEntries(Object.entries(entry.config ?? {}).map(([key, value]) => [configKey(project, key), configText(value)])),
    rules: base && {
      resourceName: base.name ?? DEFAULT_RULES_RESOURCE,
      mappings: [...base.mappings, ...(entry.rules ?? [])],
      breakGlassOwners: [...(base.breakGlassOwners ?? []), ...(entry.breakGlassOwners ?? [])],
      expectations: [...(base.expectations ?? []), ...(entry.expectations ?? [])],
      overwriteExisting: entry.overwriteExisting ?? base.overwriteExisting ?? false,
    },
  };
}

/** Parses and validates fleet file text; `file` names it in problems and anchors relative paths. */
export function parseFleetFile(file: string, text: string): Fleet {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new FleetFileError(
      file,
      doc.errors.map((e) => ({ line: counter.linePos(e.pos[0]).line, field: "", message: `not valid YAML or JSON: ${e.message.split("\n")[0]}` })),
    );
  }
  const parsed = fleetFileSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new FleetFileError(file, problemsOf(parsed.error, doc, counter));
  const data = parsed.data;
  const dir = path.dirname(path.resolve(file));
  const programDir = data.baseline.program === undefined ? undefined : path.resolve(dir, data.baseline.program);
  const project = programDir ? programProject(file, programDir, lineOf(doc, counter, ["baseline", "program"])) : (data.project ?? DEFAULT_FLEET_PROJECT);
  const waves = data.waves ?? [{ name: "all", workspaces: data.workspaces.map((w) => w.name) }];
  const waveOf = new Map(waves.flatMap((wave, index) => wave.workspaces.map((name) => [name, index] as const)));
  const workspaces = waves.flatMap((_wave, index) =>
    data.workspaces.filter((entry) => waveOf.get(entry.name) === index).map((entry) => resolveWorkspace(entry, index, data, project)),
  );
  return { file, project, backend: resolveBackend(data.backend, dir), concurrency: data.concurrency, programDir, waves, workspaces };
}

/** Reads and validates a fleet file. */
export function loadFleetFile(file: string): Fleet {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FleetFileError(file, [{ line: null, field: "", message: `cannot read it: ${code === "ENOENT" ? "no such file" : (code ?? String(err))}` }]);
  }
  return parseFleetFile(file, text);
}
