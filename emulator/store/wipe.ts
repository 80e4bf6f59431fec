/** Emptying a workspace back to how it starts, keeping its Owner key. */
import { deleteLoginRecords } from "../login/store/loginRecords";
import { deleteExtraApiKeys } from "./apiKeys";
import { bumpListVersion, deleteAllClaimMappings } from "./claimMappings";
import type { WorkspaceDatabase } from "./database";
import { deleteAllIdempotentResults } from "./idempotencyKeys";
import { deleteCustomRoles } from "./roles";
import { deleteSsoProvider } from "./ssoProvider";
import { writeSsoSettings } from "./ssoSettings";

/**
 * Removes the claim mappings, the provider, the settings, custom roles, the login log and every API
 * key but the Owner's. The list version moves on (never back), so an old ETag stays stale.
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
    // [login] the login log and the requests awaiting an IdP's answer belong to the workspace too.
    deleteLoginRecords(db);
  });
}
