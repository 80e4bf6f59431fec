/** Emptying a workspace back to how it starts, keeping its Owner key. */
import { deleteExtraApiKeys } from "./apiKeys";
import { bumpListVersion, deleteAllClaimMappings } from "./claimMappings";
import type { WorkspaceDatabase } from "./database";
import { deleteAllIdempotentResults } from "./idempotencyKeys";
import { deleteCustomRoles } from "./roles";
import { deleteSsoProvider } from "./ssoProvider";
import { writeSsoSettings } from "./ssoSettings";

/**
 * Removes the claim mappings, the provider, the settings, custom roles and every API key but the
 * Owner's. The list version moves on (never back), so an old ETag stays stale.
 */
export function wipeWorkspace(db: WorkspaceDatabase): void {
  db.write(() => {
    deleteAllClaimMappings(db);
    bumpListVersion(db);
    deleteAllIdempotentResults(db);
    deleteSsoProvider(db);
    writeSsoSettings(db, { sso_only: false });
    deleteExtraApiKeys(db);
    deleteCustomRoles(db);
  });
}
