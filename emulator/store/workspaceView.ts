/**
 * What GET routes read: either the live database or a frozen copy of it. The stale-read fault
 * serves GETs from the copy taken before the last write.
 */
import type { SsoProviderRecord, SsoSettings } from "../../provider/schemas/api";
import { listClaimMappings, readListVersion, readVersionedClaimMappings, type VersionedClaimMappings } from "./claimMappings";
import type { WorkspaceDatabase } from "./database";
import { readSsoProvider } from "./ssoProvider";
import { readSsoSettings } from "./ssoSettings";

/** The readable state of a workspace. */
export interface WorkspaceView {
  claimMappings(): VersionedClaimMappings;
  ssoProvider(): SsoProviderRecord | undefined;
  ssoSettings(): SsoSettings;
}

/** Reads the database as it is now, at every call. */
export function liveView(db: WorkspaceDatabase): WorkspaceView {
  return {
    claimMappings: () => readVersionedClaimMappings(db),
    ssoProvider: () => readSsoProvider(db)?.record,
    ssoSettings: () => readSsoSettings(db),
  };
}

/** A copy of the state as it is now (call inside a transaction for a consistent copy). */
export function frozenView(db: WorkspaceDatabase): WorkspaceView {
  const mappings = listClaimMappings(db);
  const version = readListVersion(db);
  const provider = readSsoProvider(db)?.record;
  const settings = readSsoSettings(db);
  return {
    claimMappings: () => ({ mappings, version }),
    ssoProvider: () => provider,
    ssoSettings: () => settings,
  };
}
