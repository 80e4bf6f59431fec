/**
 * The workspace's secrets: how API keys and access tokens are made, and how they are compared.
 * Only hashes are stored, except the Owner key's secret, which the workspace prints at every start.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

/** A new API key client id (a UUID, as Torq's are). */
export function newClientId(): string {
  return randomUUID();
}

/**
 * A new API key secret: 256 random bits, base64url, behind a `tqs_` prefix so it never starts with
 * `-` (which command lines would take for a flag) and secret scanners can recognise it.
 */
export function newClientSecret(): string {
  return `tqs_${randomBytes(32).toString("base64url")}`;
}

/** A new opaque bearer token. */
export function newAccessToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The SHA-256 of a secret, hex; what the database keeps instead of the secret. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Whether `secret` hashes to `expectedHash`, in constant time. */
export function secretMatches(secret: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), "hex");
  const expected = Buffer.from(expectedHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
