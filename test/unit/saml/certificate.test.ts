import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  certificateExpiry,
  parseCertificate,
  type CertificateExpiry,
  type ParsedCertificate,
} from "../../../provider/saml/certificate";
import { CertificateError, type CertificateErrorCode } from "../../../provider/saml/errors";
import { SAML_FIXTURES } from "./paths";

/**
 * test/fixtures/saml/escaped-subject-rsa.pem was made with `openssl req -x509` and a subject full of
 * characters RFC 4514 escapes; the expected values are OpenSSL's own reading of it:
 * `openssl x509 -noout -fingerprint -sha256 -startdate -enddate -dateopt iso_8601
 *  -subject -issuer -nameopt RFC2253,sep_comma_plus_space,utf8,-esc_msb`.
 */
const RSA_PEM = readFileSync(path.join(SAML_FIXTURES, "escaped-subject-rsa.pem"), "utf8");
const RSA_SUBJECT = 'emailAddress=idp@acme.example, CN=Zoë \\"Z\\" \\<Ünal\\>\\; #1, OU=R\\+D, O=Acme\\, Inc., C=DE';
const RSA_EXPECTED: ParsedCertificate = {
  pem: RSA_PEM,
  fingerprintSha256:
    "14:53:F2:76:8E:1E:B9:53:3E:85:19:C7:DC:51:47:F9:26:A3:37:62:DB:C0:01:C7:90:BE:BF:9D:AB:D3:68:2C",
  notBefore: "2026-11-30T03:48:36Z",
  notAfter: "2036-11-27T03:48:36Z",
  subject: RSA_SUBJECT,
  issuer: RSA_SUBJECT,
  selfSigned: true,
};

const EC_PEM = readFileSync(path.join(SAML_FIXTURES, "ec-p256.pem"), "utf8");
const EC_EXPECTED: ParsedCertificate = {
  pem: EC_PEM,
  fingerprintSha256:
    "F6:C8:AA:A2:B7:D8:E9:A0:D2:0F:F5:72:62:F9:5B:3B:D4:B6:AA:D7:C8:2B:FF:83:5C:B0:59:5B:6B:FD:34:A4",
  notBefore: "2026-11-30T03:48:36Z",
  notAfter: "2036-11-27T03:48:36Z",
  subject: "CN=idp.ec.example",
  issuer: "CN=idp.ec.example",
  selfSigned: true,
};

/** The base64 of the RSA certificate on one line, as read from the PEM file (not by the code under test). */
const RSA_BASE64 = RSA_PEM.split("\n")
  .filter((line) => line !== "" && !line.startsWith("-----"))
  .join("");

function wrap(text: string, width: number, eol = "\n", indent = ""): string {
  return (text.match(new RegExp(`.{1,${width}}`, "g")) ?? []).map((line) => indent + line).join(eol);
}

function armour(body: string, eol = "\n"): string {
  return `-----BEGIN CERTIFICATE-----${eol}${body}${eol}-----END CERTIFICATE-----${eol}`;
}

function refusal(input: string): CertificateError {
  try {
    parseCertificate(input);
  } catch (err) {
    expect(err).to.be.instanceOf(CertificateError);
    return err as CertificateError;
  }
  expect.fail("parseCertificate accepted input it should refuse");
}

describe("parseCertificate", () => {
  describe("accepts the same certificate however it is written, with an identical result", () => {
    const cases: [string, string][] = [
      ["canonical PEM (openssl output)", RSA_PEM],
      ["PEM with CRLF line ends", RSA_PEM.replace(/\n/g, "\r\n")],
      ["PEM without the final newline", RSA_PEM.trimEnd()],
      ["PEM with the base64 on one line", armour(RSA_BASE64)],
      ["PEM wrapped at 76 columns", armour(wrap(RSA_BASE64, 76))],
      ["PEM indented with spaces and tabs", armour(wrap(RSA_BASE64, 64, "\n", " \t  "))],
      ["PEM between blank lines and openssl's subject= header", `\n\nsubject=CN=whatever\n${RSA_PEM}\n\n`],
      ["bare base64 on one line", RSA_BASE64],
      ["bare base64 wrapped at 64 columns", wrap(RSA_BASE64, 64)],
      ["bare base64 wrapped at 76 columns with CRLF", wrap(RSA_BASE64, 76, "\r\n")],
      ["bare base64 with a space every 4 characters", wrap(RSA_BASE64, 4, " ")],
      ["bare base64 indented as in XML metadata", `\n            ${wrap(RSA_BASE64, 76, "\n            ")}\n          `],
      ["bare base64 with tabs and a trailing newline", wrap(RSA_BASE64, 60, "\t\n\t") + "\n"],
    ];
    for (const [name, input] of cases) {
      it(name, () => {
        expect(parseCertificate(input)).to.deep.equal(RSA_EXPECTED);
      });
    }
  });

  it("reads an EC (P-256) certificate as well as RSA", () => {
    expect(parseCertificate(EC_PEM)).to.deep.equal(EC_EXPECTED);
  });

  it("normalises PEM to a 64-column body, LF line ends and a final newline", () => {
    const { pem } = parseCertificate(wrap(RSA_BASE64, 76, "\r\n"));
    expect(pem).to.match(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
  });

  describe("refuses what is not one certificate, with a one-line reason that does not repeat the input", () => {
    const der = Buffer.from(RSA_BASE64, "base64");
    const secretKeyBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7SECRETKEYBODY";
    const cases: [string, string, CertificateErrorCode, string][] = [
      ["empty input", "", "CERTIFICATE_EMPTY", "the certificate is empty"],
      ["whitespace only", " \r\n\t ", "CERTIFICATE_EMPTY", "the certificate is empty"],
      [
        "prose",
        "this is not a certificate",
        "CERTIFICATE_INVALID_BASE64",
        "the certificate is neither PEM nor valid base64 (after removing whitespace)",
      ],
      [
        "base64 of the wrong length",
        RSA_BASE64.slice(0, -1),
        "CERTIFICATE_INVALID_BASE64",
        "the certificate is neither PEM nor valid base64 (after removing whitespace)",
      ],
      [
        "base64url instead of base64",
        RSA_BASE64.replace(/\+/g, "-").replace(/\//g, "_"),
        "CERTIFICATE_INVALID_BASE64",
        "the certificate is neither PEM nor valid base64 (after removing whitespace)",
      ],
      [
        "valid base64 that is not DER",
        Buffer.from("hello, world").toString("base64"),
        "CERTIFICATE_INVALID_DER",
        "the certificate's bytes are not a DER-encoded X.509 certificate",
      ],
      [
        "a truncated certificate",
        der.subarray(0, 600).toString("base64"),
        "CERTIFICATE_INVALID_DER",
        "the certificate's bytes are not a DER-encoded X.509 certificate",
      ],
      [
        "a certificate followed by extra bytes",
        Buffer.concat([der, Buffer.from([0, 1, 2])]).toString("base64"),
        "CERTIFICATE_TRAILING_DATA",
        "the certificate's DER encoding is followed by 3 extra bytes",
      ],
      [
        "a BEGIN line without END",
        `-----BEGIN CERTIFICATE-----\n${wrap(RSA_BASE64, 64)}\n`,
        "CERTIFICATE_PEM_MALFORMED",
        "the PEM text has no complete -----BEGIN CERTIFICATE----- … -----END CERTIFICATE----- block",
      ],
      [
        "BEGIN and END labels that differ",
        `-----BEGIN CERTIFICATE-----\n${RSA_BASE64}\n-----END X509 CRL-----\n`,
        "CERTIFICATE_PEM_MALFORMED",
        "a PEM block's BEGIN and END labels differ",
      ],
      [
        "two certificates (a chain)",
        RSA_PEM + EC_PEM,
        "CERTIFICATE_PEM_MULTIPLE",
        "the input holds 2 CERTIFICATE blocks; give exactly one (the IdP's signing certificate)",
      ],
      [
        "a certificate with its private key",
        `${RSA_PEM}-----BEGIN PRIVATE KEY-----\n${secretKeyBody}\n-----END PRIVATE KEY-----\n`,
        "CERTIFICATE_PEM_NOT_CERTIFICATE",
        "the input holds a PRIVATE KEY block; give only the IdP's certificate (-----BEGIN CERTIFICATE-----)",
      ],
      [
        "a private key alone",
        `-----BEGIN RSA PRIVATE KEY-----\n${secretKeyBody}\n-----END RSA PRIVATE KEY-----\n`,
        "CERTIFICATE_PEM_NOT_CERTIFICATE",
        "the input holds a RSA PRIVATE KEY block; give only the IdP's certificate (-----BEGIN CERTIFICATE-----)",
      ],
      [
        "a block of an unknown type",
        `-----BEGIN SECRET STUFF-----\n${secretKeyBody}\n-----END SECRET STUFF-----\n`,
        "CERTIFICATE_PEM_NOT_CERTIFICATE",
        "the input holds a PEM block that is not a CERTIFICATE; give only the IdP's certificate (-----BEGIN CERTIFICATE-----)",
      ],
      [
        "more than 64 KiB of text",
        " ".repeat(64 * 1024) + RSA_BASE64,
        "CERTIFICATE_TOO_LARGE",
        "the certificate text is longer than 65536 characters",
      ],
    ];
    for (const [name, input, code, message] of cases) {
      it(name, () => {
        const err = refusal(input);
        expect({ code: err.code, message: err.message }).to.deep.equal({ code, message });
        expect(err.message).not.to.include("\n");
        expect(err.message).not.to.include(secretKeyBody.slice(0, 20));
        expect(err.message).not.to.include(RSA_BASE64.slice(0, 20));
      });
    }
  });
});

describe("certificateExpiry", () => {
  const cert = { notBefore: "2026-01-01T00:00:00Z", notAfter: "2026-12-31T00:00:00Z" };
  const cases: [string, string, CertificateExpiry][] = [
    ["a second before notBefore", "2025-12-31T23:59:59Z", { status: "not-yet-valid", daysLeft: 364 }],
    ["at notBefore", "2026-01-01T00:00:00Z", { status: "valid", daysLeft: 364 }],
    ["mid-validity", "2026-06-01T00:00:00Z", { status: "valid", daysLeft: 213 }],
    ["a second more than 30 days before notAfter", "2026-11-30T23:59:59Z", { status: "valid", daysLeft: 30 }],
    ["exactly 30 days before notAfter", "2026-12-01T00:00:00Z", { status: "expiring", daysLeft: 30 }],
    ["half a day before notAfter", "2026-12-30T12:00:00Z", { status: "expiring", daysLeft: 0 }],
    ["at notAfter (still valid: notAfter is inclusive)", "2026-12-31T00:00:00Z", { status: "expiring", daysLeft: 0 }],
    ["a second after notAfter", "2026-12-31T00:00:01Z", { status: "expired", daysLeft: -1 }],
    ["ten days after notAfter", "2027-01-10T00:00:00Z", { status: "expired", daysLeft: -10 }],
  ];
  for (const [name, now, expected] of cases) {
    it(`${name}: ${expected.status}, ${expected.daysLeft} days left`, () => {
      expect(certificateExpiry(cert, new Date(now))).to.deep.equal(expected);
    });
  }

  it("works on a parsed certificate", () => {
    expect(certificateExpiry(RSA_EXPECTED, new Date("2036-11-01T00:00:00Z"))).to.deep.equal({
      status: "expiring",
      daysLeft: 26,
    });
  });
});
