/**
 * The workspace's API keys: the Owner key made at first start, and keys the test hooks add. The
 * file keeps each key's secret only as a scrypt hash; the Owner key's secret is derived from the
 * workspace key, so every start can print it again without the file holding it.
 */
import type { Role } from "../../provider/schemas/api";
import type { ApiKey } from "../testHookSchemas";
import type { ApiKeyVerifier } from "../auth/apiKeyVerifier";
import { apiKeySecretMatchesSync, hashApiKeySecret, hashApiKeySecretSync, newClientId, newClientSecret } from "../auth/credentials";
import { WorkspaceKeyError, type WorkspaceKey } from "../auth/workspaceKey";
import type { WorkspaceDatabase } from "./database";
import { OWNER_ROLE_ID } from "./presetRoles";

/** The caller behind a request: its API key's client id and its role's scopes. */
export interface Principal {
  clientId: string;
  scopes: readonly string[];
}

interface StoredKey {
  client_id: string;
  secret_hash: string;
}

/** The Owner key's client id and hash, or undefined before the first start has made it. */
export function readOwnerKey(db: WorkspaceDatabase): StoredKey | undefined {
  return db.get<StoredKey>("SELECT client_id, secret_hash FROM api_keys WHERE is_owner = 1");
}

function insertApiKey(db: WorkspaceDatabase, key: StoredKey, roleId: string, isOwner: boolean): void {
  db.run("INSERT INTO api_keys (client_id, secret_hash, role_id, is_owner) VALUES (:client_id, :secret_hash, :role_id, :is_owner)", {
    ...key,
    role_id: roleId,
    is_owner: isOwner ? 1 : 0,
  });
}

/**
 * The Owner key: made on the first start (its secret derived from `key`), and on every later start
 * derived again and checked against the stored hash, so a wrong workspace key is refused at once.
 */
export function ensureOwnerKey(db: WorkspaceDatabase, key: WorkspaceKey, verifier: ApiKeyVerifier): ApiKey {
  let stored = db.read(() => readOwnerKey(db));
  if (stored === undefined) {
    const clientId = newClientId();
    const secretHash = hashApiKeySecretSync(key.ownerSecret(clientId));
    // Another server may have made it meanwhile (two starting on one new file): then that one stands.
    stored = db.write(
      () => {
        const existing = readOwnerKey(db);
        if (existing !== undefined) return existing;
        const created = { client_id: clientId, secret_hash: secretHash };
        insertApiKey(db, created, OWNER_ROLE_ID, true);
        return created;
      },
      { snapshot: false },
    );
  }
  const secret = key.ownerSecret(stored.client_id);
  if (!apiKeySecretMatchesSync(secret, stored.secret_hash)) {
    throw new WorkspaceKeyError(`${key.source} is not the key of the data file ${db.file} (the Owner key it derives does not match)`);
  }
  verifier.remember(stored.client_id, secret, stored.secret_hash);
  return { client_id: stored.client_id, client_secret: secret };
}

/** A new key whose role is `role` (hashed before the write, so no lock is held while scrypt runs). */
export async function createApiKey(db: WorkspaceDatabase, verifier: ApiKeyVerifier, resolveRole: () => Role): Promise<ApiKey> {
  const key: ApiKey = { client_id: newClientId(), client_secret: newClientSecret() };
  const secretHash = await hashApiKeySecret(key.client_secret);
  db.write(() => insertApiKey(db, { client_id: key.client_id, secret_hash: secretHash }, resolveRole().id, false), { snapshot: false });
  verifier.remember(key.client_id, key.client_secret, secretHash);
  return key;
}

/** The key with these credentials, or undefined when the id is unknown or the secret wrong. */
export async function authenticateApiKey(
  db: WorkspaceDatabase,
  verifier: ApiKeyVerifier,
  clientId: string,
  clientSecret: string,
): Promise<Principal | undefined> {
  const row = db.get<{ secret_hash: string; scope_names: string }>(
    `SELECT k.secret_hash, r.scope_names FROM api_keys k JOIN roles r ON r.id = k.role_id WHERE k.client_id = :client_id`,
    { client_id: clientId },
  );
  if (row === undefined || !(await verifier.matches(clientId, clientSecret, row.secret_hash))) return undefined;
  return { clientId, scopes: JSON.parse(row.scope_names) as string[] };
}

/** Removes every key but the Owner key (their tokens go with them). */
export function deleteExtraApiKeys(db: WorkspaceDatabase): void {
  db.run("DELETE FROM api_keys WHERE is_owner = 0");
}
