/**
 * What the workspace asked an IdP for and still waits for: an OIDC authorization request (its
 * `state`, with the nonce and PKCE verifier that go with it) or a SAML AuthnRequest (its ID). Each is
 * accepted once and for a limited time, so an answer cannot be replayed; a used one is kept a day
 * to say "replayed" rather than "unknown".
 */
import type { WorkspaceDatabase } from "../../store/database";

/** How long an IdP has to answer a login request. */
export const LOGIN_REQUEST_TTL_MS = 10 * 60 * 1000;

/** How long used and expired requests are kept, to tell a replay from a forgery. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/** A request sent to the IdP. */
export interface LoginRequest {
  /** OIDC `state` or SAML AuthnRequest ID. */
  id: string;
  protocol: "oidc" | "saml";
  nonce: string | null;
  codeVerifier: string | null;
  /** When it was sent (ms since the epoch). */
  createdAt: number;
}

/** What became of an answer's request id when it was taken. */
export type TakenLoginRequest =
  | { status: "fresh"; request: LoginRequest }
  | { status: "unknown" }
  | { status: "used"; usedAt: number }
  | { status: "expired"; request: LoginRequest };

interface Row {
  id: string;
  protocol: "oidc" | "saml";
  nonce: string | null;
  code_verifier: string | null;
  created_at: number;
  consumed_at: number | null;
}

/** Records a request sent to the IdP (and forgets those long gone). */
export function saveLoginRequest(db: WorkspaceDatabase, request: LoginRequest): void {
  db.write(
    () => {
      db.run("DELETE FROM login_requests WHERE created_at < :before", { before: request.createdAt - KEEP_MS });
      db.run(
        `INSERT INTO login_requests (id, protocol, nonce, code_verifier, created_at)
         VALUES (:id, :protocol, :nonce, :code_verifier, :created_at)`,
        { id: request.id, protocol: request.protocol, nonce: request.nonce, code_verifier: request.codeVerifier, created_at: request.createdAt },
      );
    },
    { snapshot: false },
  );
}

/** What an answer's request id stands for, looked at without taking it. */
export type FoundLoginRequest =
  | { status: "pending"; request: LoginRequest }
  | { status: "unknown" }
  | { status: "used"; usedAt: number }
  | { status: "expired" };

/**
 * The request `id` of `protocol` as it stands, without taking it: an answer is checked against a
 * pending request first and takes it only once it has validated, so a forged answer that carries
 * a genuine id cannot use up the genuine login.
 */
export function findLoginRequest(db: WorkspaceDatabase, protocol: "oidc" | "saml", id: string, now: number): FoundLoginRequest {
  const row = db.get<Row>("SELECT * FROM login_requests WHERE id = :id AND protocol = :protocol", { id, protocol });
  if (row === undefined) return { status: "unknown" };
  if (row.consumed_at !== null) return { status: "used", usedAt: row.consumed_at };
  if (now - row.created_at > LOGIN_REQUEST_TTL_MS) return { status: "expired" };
  return { status: "pending", request: { id, protocol, nonce: row.nonce, codeVerifier: row.code_verifier, createdAt: row.created_at } };
}

/** The request `id` of `protocol`, when it is fresh and unused; whatever the outcome, it cannot be taken again. */
export function takeLoginRequest(db: WorkspaceDatabase, protocol: "oidc" | "saml", id: string, now: number): TakenLoginRequest {
  return db.write(
    () => {
      const row = db.get<Row>("SELECT * FROM login_requests WHERE id = :id AND protocol = :protocol", { id, protocol });
      if (row === undefined) return { status: "unknown" } as const;
      if (row.consumed_at !== null) return { status: "used", usedAt: row.consumed_at } as const;
      // The verifier and nonce are of no use once answered: keep only the fact that it was used.
      db.run("UPDATE login_requests SET consumed_at = :now, nonce = NULL, code_verifier = NULL WHERE id = :id", { id, now });
      const request: LoginRequest = { id, protocol, nonce: row.nonce, codeVerifier: row.code_verifier, createdAt: row.created_at };
      if (now - row.created_at > LOGIN_REQUEST_TTL_MS) return { status: "expired", request } as const;
      return { status: "fresh", request } as const;
    },
    { snapshot: false },
  );
}

/** Whether request `id` is waiting for its answer (sent, unused, not expired). */
export function loginRequestPending(db: WorkspaceDatabase, protocol: "oidc" | "saml", id: string, now: number): LoginRequest | undefined {
  const found = findLoginRequest(db, protocol, id, now);
  return found.status === "pending" ? found.request : undefined;
}
