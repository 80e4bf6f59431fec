/**
 * The OIDC client secret at rest. The API stores only its hash (enough to tell whether a PUT brings
 * a new one), but the code flow must present the secret itself at the IdP's token endpoint, so the
 * workspace also keeps it sealed with AES-256-GCM under a random key of its own data file.
 *
 * What this protects: the secret never appears in clear in the file (a dump, a copied row, a backup
 * of the table), is never served by the API, and a sealed value moved to another workspace's file
 * does not open. What it does not: whoever holds the whole file holds the key too, as with the Owner
 * API key the file already keeps; a local workspace is a development tool, not a vault.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { z } from "zod";
import type { putSsoProviderSchema } from "../../provider/schemas/api";
import { secretMatches } from "../auth/credentials";
import type { WorkspaceDatabase } from "../store/database";
import { readMeta, writeMeta } from "../store/meta";
import type { StoredSsoProvider } from "../store/ssoProvider";

const ALGORITHM = "aes-256-gcm";
const FORMAT = "v1";
/** Binds a sealed value to its use: the same key sealing something else could not be swapped in. */
const ASSOCIATED_DATA = Buffer.from("torq-local sso_provider.client_secret v1", "utf8");

/** A sealed secret that does not open: another file's, damaged, or written by another version. */
export class SealedSecretError extends Error {
  override readonly name = "SealedSecretError";
  readonly code = "SEALED_SECRET_UNREADABLE";
}

/** The file's sealing key, made on first use (inside the caller's write transaction). */
function sealingKey(db: WorkspaceDatabase, create: boolean): Buffer | undefined {
  const stored = readMeta(db, "client_secret_key");
  if (stored !== undefined) return Buffer.from(stored, "base64url");
  if (!create) return undefined;
  const key = randomBytes(32);
  writeMeta(db, "client_secret_key", key.toString("base64url"));
  return key;
}

/** Seals `secret` with the file's key: `v1.<iv>.<ciphertext>.<tag>`, base64url parts. Call inside a write. */
export function sealClientSecret(db: WorkspaceDatabase, secret: string): string {
  const key = sealingKey(db, true)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(ASSOCIATED_DATA);
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [FORMAT, iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
}

/** Opens a value `sealClientSecret` made with this file's key. */
export function unsealClientSecret(db: WorkspaceDatabase, sealed: string): string {
  const [format, iv, ciphertext, tag] = sealed.split(".");
  const key = sealingKey(db, false);
  if (format !== FORMAT || iv === undefined || ciphertext === undefined || tag === undefined || key === undefined) {
    throw new SealedSecretError("the stored OIDC client secret cannot be read; PUT the provider again with its client_secret");
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, "base64url"));
    decipher.setAAD(ASSOCIATED_DATA);
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SealedSecretError("the stored OIDC client secret does not open with this data file's key; PUT the provider again with its client_secret");
  }
}

/**
 * The sealed secret to store with a PUT, following the hash's rules: a new secret is sealed, an
 * absent one keeps what is stored, and a SAML provider keeps none. Call inside the PUT's write.
 */
export function sealedClientSecretAfter(
  db: WorkspaceDatabase,
  payload: Pick<z.output<typeof putSsoProviderSchema>, "protocol" | "client_secret">,
  stored: StoredSsoProvider | undefined,
): string | null {
  if (payload.protocol !== "oidc") return null;
  if (payload.client_secret !== undefined) return sealClientSecret(db, payload.client_secret);
  return stored?.record.protocol === "oidc" ? (stored.clientSecretSealed ?? null) : null;
}

/**
 * The client secret for the token request, or undefined when none is stored. A sealed secret that
 * no longer matches the stored hash (a PUT by a version that did not seal it) is refused, not sent.
 */
export function storedClientSecret(db: WorkspaceDatabase, stored: StoredSsoProvider): string | undefined {
  if (stored.clientSecretHash === null) return undefined;
  if (stored.clientSecretSealed === undefined || stored.clientSecretSealed === null) {
    throw new SealedSecretError("the workspace keeps only a hash of this provider's client secret (it was stored before test logins existed); PUT the provider again with its client_secret");
  }
  const secret = unsealClientSecret(db, stored.clientSecretSealed);
  if (!secretMatches(secret, stored.clientSecretHash)) {
    throw new SealedSecretError("the sealed OIDC client secret is out of date (the provider was written without sealing it); PUT the provider again with its client_secret");
  }
  return secret;
}
