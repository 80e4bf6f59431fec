/**
 * X.509 certificates as SAML IdPs publish them: in PEM, or as bare base64 DER (the content of a
 * `ds:X509Certificate` element), however the text was wrapped or indented on the way.
 */
import { X509Certificate, createHash } from "node:crypto";
import { CertificateError } from "./errors";

/** Longest certificate text accepted; real IdP certificates are 1–3 KB of base64. */
export const MAX_CERTIFICATE_INPUT_CHARS = 64 * 1024;

/** A certificate that expires within this many days is reported as `expiring`. */
export const EXPIRING_THRESHOLD_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a parsed certificate tells about itself, in forms fit for state, output and comparison. */
export interface ParsedCertificate {
  /** The certificate in canonical PEM: one CERTIFICATE block, base64 wrapped at 64, LF line ends, final LF. */
  readonly pem: string;
  /** SHA-256 of the DER encoding, as colon-separated upper-case hex (`AB:CD:…`). */
  readonly fingerprintSha256: string;
  /** Start of validity, ISO 8601 in UTC to the second (`2026-01-31T12:00:00Z`). */
  readonly notBefore: string;
  /** End of validity (inclusive), ISO 8601 in UTC to the second. */
  readonly notAfter: string;
  /**
   * The subject distinguished name on one line in RFC 4514 order (last RDN first, as
   * `openssl x509 -nameopt RFC2253` prints it), RDNs separated by `, `, special characters escaped
   * with a backslash, e.g. `CN=idp.example.com, O=Example, C=US`.
   */
  readonly subject: string;
  /** The issuer distinguished name, in the same form as `subject`. */
  readonly issuer: string;
  /** True when the issuer is the subject and the signature verifies with the certificate's own key. */
  readonly selfSigned: boolean;
}

/** Where a certificate stands on a given day. */
export interface CertificateExpiry {
  /**
   * `not-yet-valid` before `notBefore`; `expired` after `notAfter`; `expiring` when at most
   * `EXPIRING_THRESHOLD_DAYS` days are left; `valid` otherwise.
   */
  readonly status: "valid" | "expiring" | "expired" | "not-yet-valid";
  /** Whole days until `notAfter`, rounded down; negative once expired (-1 on the first day after). */
  readonly daysLeft: number;
}

const PEM_BLOCK = /-----BEGIN ([^\r\n-]*)-----([\s\S]*?)-----END ([^\r\n-]*)-----/g;
const PEM_BEGIN = /-----BEGIN [^\r\n-]*-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** PEM labels worth naming in an error, because they say what was pasted by mistake. */
const KNOWN_PEM_LABELS = new Set([
  "PRIVATE KEY",
  "RSA PRIVATE KEY",
  "EC PRIVATE KEY",
  "ENCRYPTED PRIVATE KEY",
  "PUBLIC KEY",
  "RSA PUBLIC KEY",
  "CERTIFICATE REQUEST",
  "NEW CERTIFICATE REQUEST",
  "TRUSTED CERTIFICATE",
  "X509 CRL",
  "PKCS7",
]);

/**
 * Parses one X.509 certificate given as PEM (a single CERTIFICATE block; CRLF, spaces, tabs and
 * any wrapping tolerated) or as bare base64 DER (whitespace and line breaks anywhere).
 *
 * @throws CertificateError with a one-line reason that never repeats the input.
 */
export function parseCertificate(input: string): ParsedCertificate {
  if (input.length > MAX_CERTIFICATE_INPUT_CHARS) {
    throw new CertificateError(
      "CERTIFICATE_TOO_LARGE",
      `the certificate text is longer than ${MAX_CERTIFICATE_INPUT_CHARS} characters`,
    );
  }
  if (input.trim() === "") throw new CertificateError("CERTIFICATE_EMPTY", "the certificate is empty");

  const base64 = stripWhitespace(input.includes("-----") ? pemBody(input) : input);
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
    throw new CertificateError(
      "CERTIFICATE_INVALID_BASE64",
      "the certificate is neither PEM nor valid base64 (after removing whitespace)",
    );
  }
  const der = Buffer.from(base64, "base64");
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch (cause) {
    throw new CertificateError(
      "CERTIFICATE_INVALID_DER",
      "the certificate's bytes are not a DER-encoded X.509 certificate",
      { cause },
    );
  }
  // OpenSSL stops reading at the end of the first DER structure; anything after it would be
  // silently dropped from the fingerprint, so it is refused instead.
  if (certificate.raw.length !== der.length) {
    throw new CertificateError(
      "CERTIFICATE_TRAILING_DATA",
      `the certificate's DER encoding is followed by ${der.length - certificate.raw.length} extra bytes`,
    );
  }
  return describeCertificate(certificate);
}

/** Where `cert` stands at `now`; see `CertificateExpiry` for the rules. */
export function certificateExpiry(
  cert: Pick<ParsedCertificate, "notBefore" | "notAfter">,
  now: Date,
): CertificateExpiry {
  const at = now.getTime();
  const notBefore = Date.parse(cert.notBefore);
  const notAfter = Date.parse(cert.notAfter);
  if (Number.isNaN(at) || Number.isNaN(notBefore) || Number.isNaN(notAfter)) {
    throw new RangeError("certificateExpiry needs valid dates");
  }
  const msLeft = notAfter - at;
  const daysLeft = Math.floor(msLeft / DAY_MS);
  if (at < notBefore) return { status: "not-yet-valid", daysLeft };
  if (msLeft < 0) return { status: "expired", daysLeft };
  if (msLeft <= EXPIRING_THRESHOLD_DAYS * DAY_MS) return { status: "expiring", daysLeft };
  return { status: "valid", daysLeft };
}

/** Normalises a date to ISO 8601 in UTC without fractional seconds (certificates count in seconds). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function describeCertificate(certificate: X509Certificate): ParsedCertificate {
  const der = certificate.raw;
  const subject = oneLineName(certificate.subject);
  const issuer = oneLineName(certificate.issuer);
  return {
    pem: toPem(der),
    fingerprintSha256: colonHex(createHash("sha256").update(der).digest()),
    notBefore: isoSeconds(new Date(certificate.validFrom)),
    notAfter: isoSeconds(new Date(certificate.validTo)),
    subject,
    issuer,
    selfSigned: subject === issuer && verifiesWithOwnKey(certificate),
  };
}

/** The base64 inside the input's single CERTIFICATE block; refuses anything else. */
function pemBody(input: string): string {
  const blocks = [...input.matchAll(PEM_BLOCK)];
  const begins = input.match(PEM_BEGIN)?.length ?? 0;
  if (blocks.length === 0 || begins !== blocks.length) {
    throw new CertificateError(
      "CERTIFICATE_PEM_MALFORMED",
      "the PEM text has no complete -----BEGIN CERTIFICATE----- … -----END CERTIFICATE----- block",
    );
  }
  for (const [, begin, , end] of blocks) {
    if (begin !== end) {
      throw new CertificateError("CERTIFICATE_PEM_MALFORMED", "a PEM block's BEGIN and END labels differ");
    }
  }
  const others = blocks.filter(([, label]) => label !== "CERTIFICATE");
  if (others.length > 0) {
    const label = others[0]![1]!;
    const what = KNOWN_PEM_LABELS.has(label) ? `a ${label} block` : "a PEM block that is not a CERTIFICATE";
    throw new CertificateError(
      "CERTIFICATE_PEM_NOT_CERTIFICATE",
      `the input holds ${what}; give only the IdP's certificate (-----BEGIN CERTIFICATE-----)`,
    );
  }
  if (blocks.length > 1) {
    throw new CertificateError(
      "CERTIFICATE_PEM_MULTIPLE",
      `the input holds ${blocks.length} CERTIFICATE blocks; give exactly one (the IdP's signing certificate)`,
    );
  }
  return blocks[0]![2]!;
}

function stripWhitespace(text: string): string {
  return text.replace(/\s+/g, "");
}

function toPem(der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

function colonHex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(":");
}

/**
 * Node prints names one RDN per line, in DER order, values already escaped as RFC 2253 asks
 * (so a line break can only be a separator). RFC 4514 lists the RDNs last first.
 */
function oneLineName(multiline: string): string {
  return multiline.split("\n").filter(Boolean).reverse().join(", ");
}

function verifiesWithOwnKey(certificate: X509Certificate): boolean {
  try {
    return certificate.verify(certificate.publicKey);
  } catch {
    // An algorithm this OpenSSL cannot verify: not provably self-signed.
    return false;
  }
}
