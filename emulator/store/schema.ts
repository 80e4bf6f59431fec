/**
 * The workspace database's tables, created on first open. `PRAGMA user_version` records the layout
 * so a later version can migrate a file written by this one.
 */
import { EMAIL_CLAIM } from "../lockoutGuard";
import type { WorkspaceDatabase } from "./database";
import { OWNER_ROLE_ID, PRESET_ROLES } from "./presetRoles";

/**
 * 1: the workspace API. 2: test logins (emulator/login). 3: no secret in the file — API key secrets
 * as scrypt hashes, the Owner key's secret and the sealing key derived from the workspace key
 * (auth/workspaceKey.ts), the OIDC client secret only sealed — and claim mappings ordered by a
 * sparse `position`, so a move rewrites one row. Files of layouts 1 and 2 held the Owner key's
 * secret and the sealing key in clear; they are refused, not migrated (DataFileLayoutError).
 */
const SCHEMA_VERSION = 3;

/** A data file this version does not read: written by an older version, with secrets in clear, or by a newer one. */
export class DataFileLayoutError extends Error {
  override readonly name = "DataFileLayoutError";
  readonly code = "DATA_FILE_LAYOUT";
}

// The lockout guard's queries (store/ownerEmailRules.ts) read these partial indexes; their WHERE
// clauses must stay word for word the ones those queries use, or SQLite does not pick them.
const OWNER_EMAIL_RULE = `claim_name = '${EMAIL_CLAIM}' AND role_id = '${OWNER_ROLE_ID}'`;
const SHADOWING_RULE = `claim_name <> '${EMAIL_CLAIM}' AND role_id <> '${OWNER_ROLE_ID}'`;

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
-- A rule's rank is 1 + the number of rules with a smaller position. Positions are sparse (appended
-- rules go POSITION_STEP past the last), so a move rewrites only the moved rule (store/claimMappings.ts).
CREATE TABLE IF NOT EXISTS claim_mappings (
  id TEXT PRIMARY KEY,
  claim_name TEXT NOT NULL,
  claim_value TEXT NOT NULL,
  role_id TEXT NOT NULL REFERENCES roles(id),
  position INTEGER NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS claim_mappings_by_claim ON claim_mappings(claim_name, claim_value, position);
CREATE INDEX IF NOT EXISTS claim_mappings_owner_email ON claim_mappings(position) WHERE ${OWNER_EMAIL_RULE};
CREATE INDEX IF NOT EXISTS claim_mappings_shadowing ON claim_mappings(position) WHERE ${SHADOWING_RULE};
CREATE TABLE IF NOT EXISTS sso_provider (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  record TEXT NOT NULL,
  -- The OIDC client secret, sealed with a key derived from the workspace key, which is not in this
  -- file (emulator/login/clientSecretVault.ts); never served by the API.
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

/** Creates the tables and the preset roles if missing; refuses a file of another layout. */
export function migrate(db: WorkspaceDatabase): void {
  const version = db.get<{ user_version: number }>("PRAGMA user_version")!.user_version;
  if (version > SCHEMA_VERSION) {
    throw new DataFileLayoutError(`the data file ${db.file} was written by a newer version (layout ${version}; this one reads ${SCHEMA_VERSION})`);
  }
  if (version > 0 && version < SCHEMA_VERSION) {
    // Refused rather than migrated: such a file kept the Owner key's secret and the sealing key in
    // clear, and rewriting rows does not scrub them from free pages and old WAL frames.
    throw new DataFileLayoutError(
      `the data file ${db.file} was written by an older version that kept its secrets in clear (layout ${version}); ` +
        `start with a new data file (or delete this one and its -wal and -shm files)`,
    );
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
