/**
 * Checking API key secrets against their stored scrypt hashes, remembering in this process's memory
 * the secrets already verified, so a client that asks for a token every minute does not pay scrypt
 * every minute. What is remembered is a SHA-256 of the secret together with the stored hash it was
 * checked against, so a replaced or deleted key matches nothing; none of it is ever written anywhere.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { apiKeySecretMatches } from "./credentials";

/** At most this many verified keys are remembered; past it the memory starts over. */
const MAX_REMEMBERED = 1000;

interface Verified {
  storedHash: string;
  digest: Buffer;
}

function digestOf(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** One process's API key checks, with its memory of verified secrets. */
export class ApiKeyVerifier {
  private readonly verified = new Map<string, Verified>();

  /** Whether `secret` is the secret of key `clientId`, whose stored hash is `storedHash`. */
  async matches(clientId: string, secret: string, storedHash: string): Promise<boolean> {
    const digest = digestOf(secret);
    const known = this.verified.get(clientId);
    if (known !== undefined && known.storedHash === storedHash && timingSafeEqual(known.digest, digest)) return true;
    if (!(await apiKeySecretMatches(secret, storedHash))) return false;
    this.remember(clientId, secret, storedHash);
    return true;
  }

  /** Records that `secret` matches `storedHash` (a key this process just made or checked). */
  remember(clientId: string, secret: string, storedHash: string): void {
    if (this.verified.size >= MAX_REMEMBERED) this.verified.clear();
    this.verified.set(clientId, { storedHash, digest: digestOf(secret) });
  }
}
