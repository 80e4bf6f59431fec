/**
 * The workspace database's tables, created on first open. `PRAGMA user_version` records the layout
 * so a later version can migrate a file written by this one.
 */
import type { WorkspaceDatabase } from "./database";
import { PRESET_ROLES } from "./presetRoles";

/**
 * 1: the workspace API. 2: test logins (emulator/login) — the sealed OIDC client secret column and
 * the login_requests and logins tables; a layout-1 file is brought up to 2 on open.
 */
const SCHEMA_VERSION = 2;

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
  client_secret_hash TEXT,
  -- [login] the client secret itself, sealed with the file's own key, for the OIDC code flow's
  -- token request (emulator/login/clientSecretVault.ts); never served by the API.
  client_secret_sealed TEXT
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  client_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT NOT NULL,
  PRIMARY KEY (client_id, key)
);
-- [login] What the workspace asked an IdP for and still waits for (OIDC state with its nonce and
-- PKCE verifier, or a SAML AuthnRequest ID); each is accepted once (emulator/login/store).
CREATE TABLE IF NOT EXISTS login_requests (
  id TEXT PRIMARY KEY,
  protocol TEXT NOT NULL,
  nonce TEXT,
  code_verifier TEXT,
  created_at INTEGER NOT NULL,
  consumed_at INTEGER
);
-- [login] Every sign-in the workspace decided: who, which rule, which role, or why it refused.
CREATE TABLE IF NOT EXISTS logins (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  protocol TEXT NOT NULL,
  outcome TEXT NOT NULL,
  email TEXT,
  role TEXT,
  rule_rank INTEGER,
  rule_claim_name TEXT,
  rule_claim_value TEXT,
  reason TEXT,
  message TEXT
);
`;

/** Whether `table` has `column` (layout-1 files lack the columns layout 2 added). */
function hasColumn(db: WorkspaceDatabase, table: string, column: string): boolean {
  return db.all<{ name: string }>(`PRAGMA table_info(${table})`).some((row) => row.name === column);
}

/** Creates the tables and the preset roles if missing; refuses a file from a newer layout. */
export function migrate(db: WorkspaceDatabase): void {
  const version = db.get<{ user_version: number }>("PRAGMA user_version")!.user_version;
  if (version > SCHEMA_VERSION) {
    throw new Error(`the data file ${db.file} was written by a newer version (layout ${version}; this one reads ${SCHEMA_VERSION})`);
  }
  db.exec(TABLES);
  if (!hasColumn(db, "sso_provider", "client_secret_sealed")) db.exec("ALTER TABLE sso_provider ADD COLUMN client_secret_sealed TEXT");
  for (const role of PRESET_ROLES) {
    db.run(
      `INSERT OR IGNORE INTO roles (id, name, description, scope_names, is_custom)
       VALUES (:id, :name, :description, :scope_names, 0)`,
      { id: role.id, name: role.name, description: role.description, scope_names: JSON.stringify(role.scope_names) },
    );
  }
  if (version < SCHEMA_VERSION) db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
}
