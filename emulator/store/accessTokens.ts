/**
 * Bearer tokens issued by the token endpoint. They live in the database, so they survive a restart
 * and are honoured by every server on the same file. Expired tokens are kept a day, so that they can
 * still be told apart from invalid ones (302 rather than 401).
 */
import { hashAccessToken, newAccessToken } from "../auth/credentials";
import type { Principal } from "./apiKeys";
import type { WorkspaceDatabase } from "./database";

const KEEP_EXPIRED_MS = 24 * 60 * 60 * 1000;

/** A new token for `clientId`, valid `ttlSeconds` from `now`. */
export function issueAccessToken(db: WorkspaceDatabase, clientId: string, ttlSeconds: number, now: number): string {
  const token = newAccessToken();
  db.write(
    () => {
      db.run("DELETE FROM access_tokens WHERE expires_at < :cutoff", { cutoff: now - KEEP_EXPIRED_MS });
      db.run("INSERT INTO access_tokens (token_hash, client_id, expires_at) VALUES (:token_hash, :client_id, :expires_at)", {
        token_hash: hashAccessToken(token),
        client_id: clientId,
        expires_at: now + ttlSeconds * 1000,
      });
    },
    { snapshot: false },
  );
  return token;
}

/** What a presented token stands for: unknown, expired, or the key's principal. */
export type TokenLookup = { kind: "unknown" } | { kind: "expired" } | { kind: "valid"; principal: Principal };

/** What `token` stands for at `now`. */
export function lookupAccessToken(db: WorkspaceDatabase, token: string, now: number): TokenLookup {
  const row = db.get<{ client_id: string; expires_at: number; scope_names: string }>(
    `SELECT t.client_id, t.expires_at, r.scope_names
       FROM access_tokens t JOIN api_keys k ON k.client_id = t.client_id JOIN roles r ON r.id = k.role_id
      WHERE t.token_hash = :token_hash`,
    { token_hash: hashAccessToken(token) },
  );
  if (row === undefined) return { kind: "unknown" };
  if (row.expires_at <= now) return { kind: "expired" };
  return { kind: "valid", principal: { clientId: row.client_id, scopes: JSON.parse(row.scope_names) as string[] } };
}
