/**
 * The package schema the plugin serves (`GetSchema`) and goes by: which type tokens it knows, which
 * properties of each are inputs, which are outputs only (unknown until applied), and which are
 * secret. It is the checked-in schema.json, generated from the zod schemas by `make schema`.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

/** A resource as schema.json declares it (only what the plugin reads). */
export interface ResourceSchema {
  inputProperties: Record<string, { secret?: boolean }>;
  properties: Record<string, { secret?: boolean }>;
}

/** What the plugin reads of schema.json. */
export interface PackageSchema {
  name: string;
  version: string;
  resources: Record<string, ResourceSchema>;
  functions: Record<string, unknown>;
}

/** schema.json sits at the package root: two levels above dist/plugin/ in the repository and in the plugin tarball. */
export const SCHEMA_PATH = path.resolve(__dirname, "../../schema.json");

let text: string | undefined;

/** The schema's text, as `GetSchema` returns it. */
export function schemaText(): string {
  text ??= readFileSync(SCHEMA_PATH, "utf8");
  return text;
}

/** The parsed schema. */
export function packageSchema(): PackageSchema {
  return JSON.parse(schemaText()) as PackageSchema;
}

/** The outputs a resource computes: properties that are not inputs. */
export function computedOutputs(resource: ResourceSchema): string[] {
  return Object.keys(resource.properties).filter((key) => !(key in resource.inputProperties));
}
