/**
 * What GET routes read: either the live database or a frozen copy of it. The stale-read fault
 * serves GETs from the copy taken before the last write.
 */
import type { ClaimMapping, SsoProviderRecord, SsoSettings } from "../../provider/schemas/api";
import { claimMappingPage, findClaimMapping, listClaimMappings, readListVersion } from "./claimMappings";
import type { WorkspaceDatabase } from "./database";
import { readSsoProvider } from "./ssoProvider";
import { readSsoSettings } from "./ssoSettings";

/** Something read from the claim-mapping list, with the list version it was read at. */
export interface Versioned<T> {
  value: T;
  version: number;
}

/** The readable state of a workspace. */
export interface WorkspaceView {
  /** Up to `limit` rules from rank `offset + 1` on. */
  claimMappingPage(offset: number, limit: number): Versioned<ClaimMapping[]>;
  /** The rule `id`, or undefined. */
  claimMapping(id: string): Versioned<ClaimMapping | undefined>;
  ssoProvider(): SsoProviderRecord | undefined;
  ssoSettings(): SsoSettings;
}

/** Reads the database as it is now, at every call (each read in one transaction). */
export function liveView(db: WorkspaceDatabase): WorkspaceView {
  return {
    claimMappingPage: (offset, limit) => db.read(() => ({ value: claimMappingPage(db, offset, limit), version: readListVersion(db) })),
    claimMapping: (id) => db.read(() => ({ value: findClaimMapping(db, id), version: readListVersion(db) })),
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
    claimMappingPage: (offset, limit) => ({ value: mappings.slice(offset, limit < 0 ? undefined : offset + limit), version }),
    claimMapping: (id) => ({ value: mappings.find((rule) => rule.id === id), version }),
    ssoProvider: () => provider,
    ssoSettings: () => settings,
  };
}
