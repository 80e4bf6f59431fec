/**
 * [local] Idempotency-Key records: the first answer to a create, kept per API key and key value so
 * a retried POST gets the same answer instead of a second rule.
 */
import { createHash } from "node:crypto";
import type { WorkspaceDatabase } from "./database";

/** What was recorded for a key: a hash of the request it came with, and the answer given. */
export interface IdempotentResult {
  requestHash: string;
  response: unknown;
}

/** A stable hash of a validated request payload (keys sorted, so field order does not matter). */
export function hashRequest(payload: Readonly<Record<string, unknown>>): string {
  const canonical = JSON.stringify(Object.keys(payload).sort().map((key) => [key, payload[key]]));
  return createHash("sha256").update(canonical).digest("hex");
}

/** The recorded first answer for this API key and Idempotency-Key, or undefined. */
export function findIdempotentResult(db: WorkspaceDatabase, clientId: string, key: string): IdempotentResult | undefined {
  const row = db.get<{ request_hash: string; response: string }>(
    "SELECT request_hash, response FROM idempotency_keys WHERE client_id = :client_id AND key = :key",
    { client_id: clientId, key },
  );
  return row && { requestHash: row.request_hash, response: JSON.parse(row.response) as unknown };
}

/** Records the first answer for this API key and Idempotency-Key. */
export function saveIdempotentResult(db: WorkspaceDatabase, clientId: string, key: string, result: IdempotentResult): void {
  db.run("INSERT INTO idempotency_keys (client_id, key, request_hash, response) VALUES (:client_id, :key, :request_hash, :response)", {
    client_id: clientId,
    key,
    request_hash: result.requestHash,
    response: JSON.stringify(result.response),
  });
}

/** Forgets every recorded answer. */
export function deleteAllIdempotentResults(db: WorkspaceDatabase): void {
  db.run("DELETE FROM idempotency_keys");
}
