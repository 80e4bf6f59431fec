/**
 * The claim-mapping list in the database, and its version: a counter bumped by every claim-mapping
 * write, served as the list's strong ETag.
 */
import type { ClaimMapping } from "../../provider/schemas/api";
import type { WorkspaceDatabase } from "./database";
import { readMeta, writeMeta } from "./meta";

/** The list and the version it was read at. */
export interface VersionedClaimMappings {
  mappings: ClaimMapping[];
  version: number;
}

/** The rules in rank order. */
export function listClaimMappings(db: WorkspaceDatabase): ClaimMapping[] {
  return db.all<ClaimMapping>("SELECT id, claim_name, claim_value, role_id, rank FROM claim_mappings ORDER BY rank");
}

/** The list's current version (0 before the first write). */
export function readListVersion(db: WorkspaceDatabase): number {
  return Number(readMeta(db, "claim_mappings_version") ?? "0");
}

/** The list and its version, read in one transaction. */
export function readVersionedClaimMappings(db: WorkspaceDatabase): VersionedClaimMappings {
  return db.read(() => ({ mappings: listClaimMappings(db), version: readListVersion(db) }));
}

/**
 * Saves `after` over `before` (both as read in this write transaction), touching only the rows that
 * differ, and bumps the version. Returns the new version.
 */
export function saveClaimMappings(db: WorkspaceDatabase, before: readonly ClaimMapping[], after: readonly ClaimMapping[]): number {
  const previous = new Map(before.map((rule) => [rule.id, rule]));
  const kept = new Set(after.map((rule) => rule.id));
  for (const rule of before) {
    if (!kept.has(rule.id)) db.run("DELETE FROM claim_mappings WHERE id = :id", { id: rule.id });
  }
  for (const rule of after) {
    const old = previous.get(rule.id);
    const row = { id: rule.id, claim_name: rule.claim_name, claim_value: rule.claim_value, role_id: rule.role_id, rank: rule.rank };
    if (old === undefined) {
      db.run(
        "INSERT INTO claim_mappings (id, claim_name, claim_value, role_id, rank) VALUES (:id, :claim_name, :claim_value, :role_id, :rank)",
        row,
      );
    } else if (
      old.claim_name !== rule.claim_name ||
      old.claim_value !== rule.claim_value ||
      old.role_id !== rule.role_id ||
      old.rank !== rule.rank
    ) {
      db.run(
        "UPDATE claim_mappings SET claim_name = :claim_name, claim_value = :claim_value, role_id = :role_id, rank = :rank WHERE id = :id",
        row,
      );
    }
  }
  return bumpListVersion(db);
}

/** Bumps the list version (every claim-mapping write, and a wipe). */
export function bumpListVersion(db: WorkspaceDatabase): number {
  const version = readListVersion(db) + 1;
  writeMeta(db, "claim_mappings_version", String(version));
  return version;
}

/** Removes every rule (the caller bumps the version). */
export function deleteAllClaimMappings(db: WorkspaceDatabase): void {
  db.run("DELETE FROM claim_mappings");
}
