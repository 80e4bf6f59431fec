/**
 * The workspace's credentials: how API keys and access tokens are made, and how what the data file
 * keeps of them is checked. API key secrets are kept only as a slow salted hash (scrypt), so a copy
 * of the file does not let anyone test guesses quickly; access tokens, 256 random bits that expire,
 * only as a SHA-256 (a fast lookup key is enough for a value nobody can guess).
 */
import { createHash, randomBytes, randomUUID, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** A new API key client id (a UUID, as Torq's are). */
export function newClientId(): string {
  return randomUUID();
}

/** The prefix of every API key secret the workspace makes. */
export const CLIENT_SECRET_PREFIX = "tqs_";

/**
 * A new API key secret: 256 random bits, base64url, behind a `tqs_` prefix so it never starts with
 * `-` (which command lines would take for a flag) and secret scanners can recognise it.
 */
export function newClientSecret(): string {
  return `${CLIENT_SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** A new opaque bearer token. */
export function newAccessToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The SHA-256 of an access token, hex: the token table's lookup key. */
export function hashAccessToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * scrypt's cost: N = 2^14, r = 8 (16 MiB, ~50 ms on a laptop core). Enough to make offline guessing
 * slow; the token endpoint does not pay it twice for a key it has already verified (apiKeyVerifier).
 */
const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1 };
const SCRYPT_KEY_LENGTH = 32;
const SCRYPT_SALT_LENGTH = 16;
const SCRYPT_FORMAT = "scrypt";

function formatHash(salt: Buffer, hash: Buffer): string {
  return [SCRYPT_FORMAT, SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

interface ParsedHash {
  salt: Buffer;
  hash: Buffer;
  options: ScryptOptions;
}

/** `scrypt$N$r$p$salt$hash`, or undefined for anything else (which then matches no secret). */
function parseHash(stored: string): ParsedHash | undefined {
  const [format, n, r, p, salt, hash] = stored.split("$");
  if (format !== SCRYPT_FORMAT || salt === undefined || hash === undefined) return undefined;
  const options = { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 };
  if (![options.N, options.r, options.p].every((value) => Number.isInteger(value) && value > 0)) return undefined;
  return { salt: Buffer.from(salt, "base64url"), hash: Buffer.from(hash, "base64url"), options };
}

function scryptAsync(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, SCRYPT_KEY_LENGTH, options, (err, derived) => (err ? reject(err) : resolve(derived)));
  });
}

/** The scrypt hash to keep for an API key secret: `scrypt$N$r$p$<salt>$<hash>`, base64url parts. */
export async function hashApiKeySecret(secret: string): Promise<string> {
  const salt = randomBytes(SCRYPT_SALT_LENGTH);
  return formatHash(salt, await scryptAsync(secret, salt, SCRYPT));
}

/** `hashApiKeySecret`, blocking: for the Owner key at start, before the server listens. */
export function hashApiKeySecretSync(secret: string): string {
  const salt = randomBytes(SCRYPT_SALT_LENGTH);
  return formatHash(salt, scryptSync(secret, salt, SCRYPT_KEY_LENGTH, SCRYPT));
}

/** Whether `secret` is the one `stored` (from `hashApiKeySecret`) was made from, compared in constant time. */
export async function apiKeySecretMatches(secret: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (parsed === undefined) return false;
  const derived = await scryptAsync(secret, parsed.salt, parsed.options);
  return derived.length === parsed.hash.length && timingSafeEqual(derived, parsed.hash);
}

/** `apiKeySecretMatches`, blocking: for the Owner key at start. */
export function apiKeySecretMatchesSync(secret: string, stored: string): boolean {
  const parsed = parseHash(stored);
  if (parsed === undefined) return false;
  const derived = scryptSync(secret, parsed.salt, SCRYPT_KEY_LENGTH, parsed.options);
  return derived.length === parsed.hash.length && timingSafeEqual(derived, parsed.hash);
}
