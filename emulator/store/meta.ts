/** Single values the workspace keeps by name: the list version and the SSO settings. */
import type { WorkspaceDatabase } from "./database";

/** The names `meta` holds. */
export type MetaKey = "claim_mappings_version" | "sso_only";

/** The value kept under `key`, or undefined. */
export function readMeta(db: WorkspaceDatabase, key: MetaKey): string | undefined {
  return db.get<{ value: string }>("SELECT value FROM meta WHERE key = :key", { key })?.value;
}

/** Sets the value kept under `key`. */
export function writeMeta(db: WorkspaceDatabase, key: MetaKey, value: string): void {
  db.run("INSERT INTO meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = excluded.value", { key, value });
}
