/**
 * The OIDC client secret at rest. The code flow must present the secret itself at the IdP's token
 * endpoint, so the workspace keeps it — sealed with AES-256-GCM under a key derived from the
 * workspace key (auth/workspaceKey.ts), which is never in the data file: a copy of the file (a
 * dump, a backup, a stray `-wal`) does not reveal the secret, and a sealed value does not open in
 * another workspace. Whoever holds both the data file and its key file (or its
 * TORQ_LOCAL_WORKSPACE_KEY) can open it: a local workspace is a development tool, not a vault.
 */
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from "node:crypto";
import type { StoredSsoProvider } from "../store/ssoProvider";

const ALGORITHM = "aes-256-gcm";
const FORMAT = "v2";
/** Binds a sealed value to its use: the same key sealing something else could not be swapped in. */
const ASSOCIATED_DATA = Buffer.from("torq-local sso_provider.client_secret v2", "utf8");

/** A sealed secret that does not open: another workspace's, damaged, or written by another version. */
export class SealedSecretError extends Error {
  override readonly name = "SealedSecretError";
  readonly code = "SEALED_SECRET_UNREADABLE";
}

/** Seals and opens the OIDC client secret with one workspace's sealing key. */
export class ClientSecretVault {
  /** `key`: 32 bytes, the workspace key's `clientSecretSealingKey()`. */
  constructor(private readonly key: Buffer) {}

  /** `secret` sealed: `v2.<iv>.<ciphertext>.<tag>`, base64url parts, a fresh IV every time. */
  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    cipher.setAAD(ASSOCIATED_DATA);
    const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    return [FORMAT, iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
  }

  /** Opens a value `seal` made with this workspace's key. */
  open(sealed: string): string {
    const [format, iv, ciphertext, tag] = sealed.split(".");
    if (format !== FORMAT || iv === undefined || ciphertext === undefined || tag === undefined) {
      throw new SealedSecretError("the stored OIDC client secret cannot be read; PUT the provider again with its client_secret");
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, "base64url"));
      decipher.setAAD(ASSOCIATED_DATA);
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new SealedSecretError("the stored OIDC client secret does not open with this workspace's key; PUT the provider again with its client_secret");
    }
  }

  /** Whether `sealed` holds exactly `secret` (compared in constant time); false when it does not open. */
  holds(sealed: string, secret: string): boolean {
    let stored: Buffer;
    try {
      stored = Buffer.from(this.open(sealed), "utf8");
    } catch {
      return false;
    }
    const given = Buffer.from(secret, "utf8");
    return stored.length === given.length && timingSafeEqual(stored, given);
  }
}

/** The client secret for the token request, or undefined when none is stored. */
export function storedClientSecret(vault: ClientSecretVault, stored: StoredSsoProvider): string | undefined {
  if (stored.clientSecretSealed === null) return undefined;
  return vault.open(stored.clientSecretSealed);
}
