/**
 * The singleton SSO provider. The record is kept as the JSON the API serves; the write-only OIDC
 * client secret only sealed (login/clientSecretVault.ts), never in clear and never served.
 */
import type { SsoProviderRecord } from "../../provider/schemas/api";
import type { WorkspaceDatabase } from "./database";

/** The provider as stored: what GET serves, and the sealed client secret. */
export interface StoredSsoProvider {
  record: SsoProviderRecord;
  /** The OIDC client secret, sealed; the code flow sends it to the IdP's token endpoint. */
  clientSecretSealed: string | null;
}

/** The stored provider, or undefined when there is none. */
export function readSsoProvider(db: WorkspaceDatabase): StoredSsoProvider | undefined {
  const row = db.get<{ record: string; client_secret_sealed: string | null }>("SELECT record, client_secret_sealed FROM sso_provider WHERE singleton = 1");
  return row && { record: JSON.parse(row.record) as SsoProviderRecord, clientSecretSealed: row.client_secret_sealed };
}

/** Whether a provider is configured (enabled or not), without reading it. */
export function ssoProviderExists(db: WorkspaceDatabase): boolean {
  return db.get("SELECT 1 FROM sso_provider WHERE singleton = 1") !== undefined;
}

/** Creates or replaces the provider. */
export function writeSsoProvider(db: WorkspaceDatabase, provider: StoredSsoProvider): void {
  db.run(
    `INSERT INTO sso_provider (singleton, record, client_secret_sealed) VALUES (1, :record, :client_secret_sealed)
     ON CONFLICT (singleton) DO UPDATE SET record = excluded.record, client_secret_sealed = excluded.client_secret_sealed`,
    { record: JSON.stringify(provider.record), client_secret_sealed: provider.clientSecretSealed },
  );
}

/** Removes the provider; returns whether there was one. */
export function deleteSsoProvider(db: WorkspaceDatabase): boolean {
  return db.run("DELETE FROM sso_provider WHERE singleton = 1") > 0;
}
