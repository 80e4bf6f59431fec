/**
 * The singleton SSO provider. The record is kept as the JSON the API serves; the client secret only
 * as a hash, which is all the workspace needs to tell whether a PUT brings a new one.
 */
import type { SsoProviderRecord } from "../../provider/schemas/api";
import type { WorkspaceDatabase } from "./database";

/** The provider as stored: what GET serves, and the hash of the write-only client secret. */
export interface StoredSsoProvider {
  record: SsoProviderRecord;
  clientSecretHash: string | null;
  /**
   * [login] The client secret itself, sealed (emulator/login/clientSecretVault.ts): the OIDC code
   * flow must send it to the IdP's token endpoint. Never served by the API.
   */
  clientSecretSealed?: string | null;
}

/** The stored provider, or undefined when there is none. */
export function readSsoProvider(db: WorkspaceDatabase): StoredSsoProvider | undefined {
  const row = db.get<{ record: string; client_secret_hash: string | null; client_secret_sealed: string | null }>(
    "SELECT record, client_secret_hash, client_secret_sealed FROM sso_provider WHERE singleton = 1",
  );
  return (
    row && {
      record: JSON.parse(row.record) as SsoProviderRecord,
      clientSecretHash: row.client_secret_hash,
      clientSecretSealed: row.client_secret_sealed,
    }
  );
}

/** Creates or replaces the provider. */
export function writeSsoProvider(db: WorkspaceDatabase, provider: StoredSsoProvider): void {
  db.run(
    `INSERT INTO sso_provider (singleton, record, client_secret_hash, client_secret_sealed)
     VALUES (1, :record, :client_secret_hash, :client_secret_sealed)
     ON CONFLICT (singleton) DO UPDATE SET record = excluded.record, client_secret_hash = excluded.client_secret_hash,
       client_secret_sealed = excluded.client_secret_sealed`,
    {
      record: JSON.stringify(provider.record),
      client_secret_hash: provider.clientSecretHash,
      client_secret_sealed: provider.clientSecretSealed ?? null,
    },
  );
}

/** Removes the provider; returns whether there was one. */
export function deleteSsoProvider(db: WorkspaceDatabase): boolean {
  return db.run("DELETE FROM sso_provider WHERE singleton = 1") > 0;
}
