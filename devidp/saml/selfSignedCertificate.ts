/**
 * A self-signed X.509 certificate made with node:crypto alone (which signs but does not build
 * certificates): the DER of a minimal v1 certificate — serial, issuer = subject = CN, validity,
 * the RSA public key — signed with SHA-256. Enough for a SAML IdP's signing certificate, and lets
 * tests make certificates that are expired or not yet valid.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from "node:crypto";

/** A signing key and its certificate, both PEM. */
export interface SigningIdentity {
  privateKeyPem: string;
  certificatePem: string;
  privateKey: KeyObject;
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function objectIdentifier(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise, as RFC 5280 asks. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), "ascii")) : tlv(0x18, Buffer.from(iso, "ascii"));
}

function commonName(cn: string): Buffer {
  return sequence(set(sequence(objectIdentifier("2.5.4.3"), tlv(0x0c, Buffer.from(cn, "utf8")))));
}

const SHA256_WITH_RSA = sequence(objectIdentifier("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00]));

/** A certificate for `privateKey`'s public key, valid from `notBefore` to `notAfter`. */
export function selfSignedCertificate(privateKey: KeyObject, options: { commonName: string; notBefore: Date; notAfter: Date }): string {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const name = commonName(options.commonName);
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x3f) | 0x40; // positive, and no leading zero byte (DER wants the shortest form)
  const tbs = sequence(integer(serial), SHA256_WITH_RSA, name, sequence(time(options.notBefore), time(options.notAfter)), name, spki);
  const signature = sign("sha256", tbs, privateKey);
  const der = sequence(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
  new X509Certificate(pem); // fails loudly here rather than in a test, should the encoding ever be wrong
  return pem;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A new RSA-2048 key and a certificate for it (by default valid from yesterday for a year). */
export function newSigningIdentity(options: { commonName?: string; notBefore?: Date; notAfter?: Date } = {}): SigningIdentity {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const now = Date.now();
  const certificatePem = selfSignedCertificate(privateKey, {
    commonName: options.commonName ?? "Dev SAML IdP",
    notBefore: options.notBefore ?? new Date(now - DAY_MS),
    notAfter: options.notAfter ?? new Date(now + 365 * DAY_MS),
  });
  return { privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }) as string, certificatePem, privateKey };
}
