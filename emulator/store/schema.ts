/**
 * The workspace database's tables, created on first open. `PRAGMA user_version` records the layout
 * so a later version can migrate a file written by this one.
 */
import type { WorkspaceDatabase } from "./database";
import { PRESET_ROLES } from "./presetRoles";

const SCHEMA_VERSION = 1;

const TABLES = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS roles (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  scope_names TEXT NOT NULL,
  is_custom INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
  client_id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  role_id TEXT NOT NULL REFERENCES roles(id),
  is_owner INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS access_tokens (
  token_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES api_keys(client_id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS claim_mappings (
  id TEXT PRIMARY KEY,
  claim_name TEXT NOT NULL,
  claim_value TEXT NOT NULL,
  role_id TEXT NOT NULL REFERENCES roles(id),
  rank INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS claim_mappings_by_rank ON claim_mappings(rank);
CREATE TABLE IF NOT EXISTS sso_provider (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  record TEXT NOT NULL,
  client_secret_hash TEXT
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  client_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT NOT NULL,
  PRIMARY KEY (client_id, key)
);
`;

/** Creates the tables and the preset roles if missing; refuses a file from a newer layout. */
export function migrate(db: WorkspaceDatabase): void {
  const version = db.get<{ user_version: number }>("PRAGMA user_version")!.user_version;
  if (version > SCHEMA_VERSION) {
    throw new Error(`the data file ${db.file} was written by a newer version (layout ${version}; this one reads ${SCHEMA_VERSION})`);
  }
  db.exec(TABLES);
  for (const role of PRESET_ROLES) {
    db.run(
      `INSERT OR IGNORE INTO roles (id, name, description, scope_names, is_custom)
       VALUES (:id, :name, :description, :scope_names, 0)`,
      { id: role.id, name: role.name, description: role.description, scope_names: JSON.stringify(role.scope_names) },
    );
  }
  if (version < SCHEMA_VERSION) db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
}
