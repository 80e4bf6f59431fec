/**
 * A client secret sealed for the provider. Pulumi's Node SDK logs every RegisterResource answer at
 * debug level, and for a dynamic resource that answer echoes its inputs at preview: with
 * `pulumi up -v=9`, a secret the program passed as a plain value (not a config secret, which the CLI
 * masks in its logs) would be printed in clear although it is marked secret. So the SDK seals it with
 * a key derived from the stack's API key secret (`torq:clientSecret` / TORQ_CLIENT_SECRET), which
 * program and provider both have and no log shows, and the provider unseals it.
 *
 * Deterministic (AES-256-GCM with an IV derived from the plaintext): the same secret seals to the
 * same text, so an unchanged secret never reads as a change.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from "node:crypto";
import { SealedSecretError } from "./errors";

const PREFIX = "torq-sealed:v1:";

function keyFrom(apiKeySecret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", apiKeySecret, "pulumi-torq-sso", "client-secret-seal", 32));
}

/** The secret sealed under the API key secret. */
export function sealSecret(plaintext: string, apiKeySecret: string): string {
  const key = keyFrom(apiKeySecret);
  const iv = createHmac("sha256", key).update(plaintext).digest().subarray(0, 12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${iv.toString("base64url")}:${sealed.toString("base64url")}`;
}

/** Whether a value is a sealed secret (rather than the secret itself). */
export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}


/**
 * The secret itself: a plain value as it is, a sealed one opened with the API key secret. A value
 * sealed under another API key (the program and the provider configured with different keys) is
 * refused with a sentence that says so.
 */
export function unsealSecret(value: string, apiKeySecret: string): string {
  if (!isSealed(value)) return value;
  const [ivText, sealedText] = value.slice(PREFIX.length).split(":");
  const unreadable = new SealedSecretError(
    "clientSecret was sealed by the program with another API key than the provider's (torq:clientSecret / TORQ_CLIENT_SECRET differ between the program and the provider)",
  );
  if (!ivText || !sealedText) throw unreadable;
  const sealed = Buffer.from(sealedText, "base64url");
  if (sealed.length < 16) throw unreadable;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFrom(apiKeySecret), Buffer.from(ivText, "base64url"));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    throw unreadable;
  }
}
