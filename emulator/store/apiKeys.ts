/** The workspace's API keys: the Owner key made at first start, and keys the test hooks add. */
import type { ApiKey, Role } from "../../provider/schemas/api";
import { hashSecret, newClientId, newClientSecret, secretMatches } from "../auth/credentials";
import type { WorkspaceDatabase } from "./database";
import { OWNER_ROLE_ID } from "./presetRoles";
import { readMeta, writeMeta } from "./meta";

/** The caller behind a request: its API key's client id and its role's scopes. */
export interface Principal {
  clientId: string;
  scopes: readonly string[];
}

function insertApiKey(db: WorkspaceDatabase, roleId: string, isOwner: boolean): ApiKey {
  const key = { client_id: newClientId(), client_secret: newClientSecret() };
  db.run(
    "INSERT INTO api_keys (client_id, secret_hash, role_id, is_owner) VALUES (:client_id, :secret_hash, :role_id, :is_owner)",
    { client_id: key.client_id, secret_hash: hashSecret(key.client_secret), role_id: roleId, is_owner: isOwner ? 1 : 0 },
  );
  return key;
}

/** The Owner key, created on the first start and kept in the file so a restart prints the same one. */
export function ensureOwnerKey(db: WorkspaceDatabase): ApiKey {
  return db.write(
    () => {
      const clientId = readMeta(db, "owner_client_id");
      const clientSecret = readMeta(db, "owner_client_secret");
      if (clientId !== undefined && clientSecret !== undefined) return { client_id: clientId, client_secret: clientSecret };
      const key = insertApiKey(db, OWNER_ROLE_ID, true);
      writeMeta(db, "owner_client_id", key.client_id);
      writeMeta(db, "owner_client_secret", key.client_secret);
      return key;
    },
    { snapshot: false },
  );
}

/** A new key whose role is `role`. */
export function createApiKey(db: WorkspaceDatabase, role: Role): ApiKey {
  return insertApiKey(db, role.id, false);
}

/** The key with these credentials, or undefined when the id is unknown or the secret wrong. */
export function authenticateApiKey(db: WorkspaceDatabase, clientId: string, clientSecret: string): Principal | undefined {
  const row = db.get<{ secret_hash: string; scope_names: string }>(
    `SELECT k.secret_hash, r.scope_names FROM api_keys k JOIN roles r ON r.id = k.role_id WHERE k.client_id = :client_id`,
    { client_id: clientId },
  );
  if (row === undefined || !secretMatches(clientSecret, row.secret_hash)) return undefined;
  return { clientId, scopes: JSON.parse(row.scope_names) as string[] };
}

/** Removes every key but the Owner key (their tokens go with them). */
export function deleteExtraApiKeys(db: WorkspaceDatabase): void {
  db.run("DELETE FROM api_keys WHERE is_owner = 0");
}
