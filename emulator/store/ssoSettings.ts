/** The workspace's SSO settings: whether login is SSO-only. */
import type { SsoSettings } from "../../provider/schemas/api";
import type { WorkspaceDatabase } from "./database";
import { readMeta, writeMeta } from "./meta";

/** The settings; `sso_only` is false until set. */
export function readSsoSettings(db: WorkspaceDatabase): SsoSettings {
  return { sso_only: readMeta(db, "sso_only") === "true" };
}

/** Stores the settings. */
export function writeSsoSettings(db: WorkspaceDatabase, settings: SsoSettings): void {
  writeMeta(db, "sso_only", String(settings.sso_only));
}
