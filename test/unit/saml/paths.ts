/**
 * Where the SAML tests find the repository (to spawn the built CLI) and the fixtures: the shared
 * fixtures beside the checkout (`<repo>/../shared/fixtures`, as in CI), else the directory named by
 * TORQ_SSO_FIXTURES; and this repository's own `test/fixtures/saml`.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

function findRepoRoot(start: string): string {
  // dist/ may hold a copy of package.json, never of tsconfig.json.
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "tsconfig.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root (package.json and tsconfig.json) above ${start}`);
  }
}

function findSharedFixtures(repoRoot: string): string {
  const beside = path.resolve(repoRoot, "..", "shared", "fixtures");
  if (existsSync(beside)) return beside;
  const fromEnv = process.env["TORQ_SSO_FIXTURES"];
  if (fromEnv && existsSync(fromEnv)) return path.resolve(fromEnv);
  throw new Error(`shared fixtures not found at ${beside}; set TORQ_SSO_FIXTURES to the fixtures directory`);
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const SHARED_FIXTURES = findSharedFixtures(REPO_ROOT);
export const IDP_METADATA_FIXTURES = path.join(SHARED_FIXTURES, "idp-metadata");
export const SAML_FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "saml");
export const CLI_ENTRY = path.join(REPO_ROOT, "dist", "cli", "index.js");
