import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { checkSsoProviderInputs, pickSigningCertificate, secretDigest, secretMatchesDigest } from "../../../provider/resources/ssoProvider";
import { deriveSamlSettings, parseCertificate, parseIdpMetadata } from "../../../provider/saml";
import type { FieldProblem } from "../../../provider/resources/checkFailures";
import { IDP_METADATA_FIXTURES, SAML_FIXTURES } from "../saml/paths";

const NOW = new Date("2026-11-30T12:00:00Z");
const ROTATION_A = readFileSync(path.join(SAML_FIXTURES, "rotation-a.pem"), "utf8");
const ROTATION_A_BASE64 = ROTATION_A.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
const ENTRA_METADATA = readFileSync(path.join(IDP_METADATA_FIXTURES, "azure-ad-common-signed.xml"), "utf8");
const ONELOGIN_METADATA = readFileSync(path.join(IDP_METADATA_FIXTURES, "onelogin-486670.xml"), "utf8");

/** Entra's common metadata: four signing certificates, all valid in 2026-11 (notBefore 2026-01/02, notAfter 2031). */
const ENTRA = {
  oldest: "30:5C:76:94:88:E7:BD:3F:52:27:FC:C7:7C:82:08:86:4F:36:D3:9F:A9:85:3B:43:22:3C:96:5E:36:A9:05:35",
  longest: "3D:25:83:F7:7A:03:43:FA:09:37:38:CA:09:B8:45:54:52:DA:E5:B3:3B:B5:B9:8E:6A:1D:AF:97:70:F4:05:A1",
};

const OIDC = { protocol: "oidc", issuerUrl: "https://idp.example.com", clientId: "torq", clientSecret: "s3cret" };
const SAML = { protocol: "saml", signOnUrl: "https://idp.example.com/sso", issuer: "urn:idp", certificate: ROTATION_A };

const problem = (path: string, message: string): FieldProblem => ({ path, message });
const REQUIRED_FOR_SAML = "is required for a SAML provider (or give metadataXml / metadataUrl)";
const OIDC_ONLY = "applies to OIDC only; remove it for a SAML provider";
const SAML_ONLY = "applies to SAML only; remove it for an OIDC provider";
const HTTP_URL = "must be an https URL (http is allowed only for loopback hosts)";

async function failuresOf(raw: Record<string, unknown>, now: Date = NOW): Promise<FieldProblem[]> {
  return (await checkSsoProviderInputs(raw, now)).failures;
}

describe("SsoProvider inputs (check)", () => {
  describe("OpenID Connect", () => {
    it("fills in Torq's defaults for a minimal provider", async () => {
      const { checked, failures, warnings } = await checkSsoProviderInputs(OIDC, NOW);
      expect(failures).to.deep.equal([]);
      expect(warnings).to.deep.equal([]);
      expect(checked?.inputs).to.deep.equal({
        ...OIDC,
        identityProvider: "other",
        enabled: true,
        scopes: ["openid", "email", "profile"],
        grantType: "code",
        sendLoginHint: false,
      });
    });

    const cases: [string, Record<string, unknown>, FieldProblem[]][] = [
      ["an http issuer on a public host", { ...OIDC, issuerUrl: "http://idp.example.com" }, [problem("issuerUrl", HTTP_URL)]],
      ["an issuer that is not a URL", { ...OIDC, issuerUrl: "idp.example.com" }, [problem("issuerUrl", "is not a URL")]],
      ["an issuer of another scheme", { ...OIDC, issuerUrl: "ftp://idp.example.com" }, [problem("issuerUrl", "must be an https URL, not ftp")]],
      ["a missing issuer and client id", { protocol: "oidc", clientSecret: "s" }, [problem("issuerUrl", "is required for an OIDC provider"), problem("clientId", "is required for an OIDC provider")]],
      ["the code flow without a client secret", { ...OIDC, clientSecret: undefined }, [problem("clientSecret", 'is required for the code flow (grantType "code"); the implicit flow needs none')]],
      ["scopes without openid", { ...OIDC, scopes: ["email", "profile"] }, [problem("scopes", 'must include "openid" (OpenID Connect needs it to return an ID token)')]],
      ["SAML fields", { ...OIDC, signOnUrl: "https://x.example", metadataXml: "<x/>" }, [problem("signOnUrl", SAML_ONLY), problem("metadataXml", SAML_ONLY)]],
      ["a value of the wrong type", { ...OIDC, issuerUrl: 5, sendLoginHint: "yes" }, [problem("issuerUrl", "Invalid input: expected string, received number"), problem("sendLoginHint", "Invalid input: expected boolean, received string")]],
      ["an unknown protocol", { protocol: "ldap" }, [problem("protocol", 'Invalid option: expected one of "saml"|"oidc"')]],
    ];
    for (const [name, raw, expected] of cases) {
      it(`refuses ${name}`, async () => {
        expect(await failuresOf(raw)).to.deep.equal(expected);
      });
    }

    it("reports every problem at once, each naming its field", async () => {
      expect(await failuresOf({ protocol: "oidc", issuerUrl: "http://idp.example.com", clientId: "torq", scopes: ["email"], certificate: "x" })).to.deep.equal([
        problem("certificate", SAML_ONLY),
        problem("issuerUrl", HTTP_URL),
        problem("clientSecret", 'is required for the code flow (grantType "code"); the implicit flow needs none'),
        problem("scopes", 'must include "openid" (OpenID Connect needs it to return an ID token)'),
      ]);
    });

    it("accepts http for a loopback issuer, and the implicit flow without a secret", async () => {
      for (const issuerUrl of ["http://localhost:8080/realms/dev", "http://127.0.0.1:9000", "http://[::1]:9000"]) {
        expect(await failuresOf({ ...OIDC, issuerUrl }), issuerUrl).to.deep.equal([]);
      }
      expect(await failuresOf({ ...OIDC, clientSecret: undefined, grantType: "implicit" })).to.deep.equal([]);
    });

    it("warns, without failing, when an issuer does not look like the named IdP's", async () => {
      const { failures, warnings } = await checkSsoProviderInputs({ ...OIDC, identityProvider: "okta" }, NOW);
      expect(failures).to.deep.equal([]);
      expect(warnings).to.deep.equal([problem("issuerUrl", "Okta issuers usually look like https://<org>.okta.com or https://<org>.okta.com/oauth2/<server-id>")]);
      expect((await checkSsoProviderInputs({ ...OIDC, identityProvider: "okta", issuerUrl: "https://dev-123456.okta.com" }, NOW)).warnings).to.deep.equal([]);
    });

    it("never repeats the client secret in a problem", async () => {
      const secret = "canary-in-check-5d1e";
      const { failures, warnings } = await checkSsoProviderInputs({ protocol: "oidc", issuerUrl: "http://x.example", clientSecret: secret, scopes: [], signOnUrl: secret }, NOW);
      expect(JSON.stringify([failures, warnings])).to.not.include(secret);
    });
  });

  describe("SAML", () => {
    it("normalises the certificate to PEM, whether given as PEM or as bare base64 DER", async () => {
      for (const certificate of [ROTATION_A, ROTATION_A_BASE64, ROTATION_A.replace(/\n/g, "\r\n")]) {
        const { checked, failures } = await checkSsoProviderInputs({ ...SAML, certificate }, NOW);
        expect(failures).to.deep.equal([]);
        expect(checked?.inputs.certificate).to.equal(parseCertificate(ROTATION_A).pem);
        expect(checked?.certificate?.fingerprintSha256).to.equal(parseCertificate(ROTATION_A).fingerprintSha256);
      }
    });

    const cases: [string, Record<string, unknown>, FieldProblem[], Date?][] = [
      ["a certificate that is not one", { ...SAML, certificate: "not a certificate" }, [problem("certificate", "the certificate is neither PEM nor valid base64 (after removing whitespace)")]],
      ["base64 that is not a certificate", { ...SAML, certificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" }, [problem("certificate", "the certificate's bytes are not a DER-encoded X.509 certificate")]],
      ["a certificate not valid yet", SAML, [problem("certificate", "is not valid before 2026-11-30T04:15:28Z")], new Date("2026-01-01T00:00:00Z")],
      ["a certificate that has expired", SAML, [problem("certificate", "expired on 2036-11-27T04:15:28Z (O=pulumi-torq-sso tests, CN=idp-rotation-a.example); IdP responses signed with it would be refused")], new Date("2037-01-01T00:00:00Z")],
      ["metadata whose certificate has expired", { protocol: "saml", metadataXml: ONELOGIN_METADATA }, [problem("certificate", "expired on 2020-10-23T01:41:51Z (CN=OneLogin Account 70609, OU=OneLogin IdP, O=Bash Lab, C=US); IdP responses signed with it would be refused")]],
      ["metadata that is not XML", { protocol: "saml", metadataXml: "not xml" }, [problem("metadataXml", "the metadata is not XML (it does not start with '<')")]],
      ["an http sign-on URL on a public host", { ...SAML, signOnUrl: "http://idp.example.com/sso" }, [problem("signOnUrl", HTTP_URL)]],
      ["a metadata URL that is not https", { protocol: "saml", metadataUrl: "http://idp.example.com/metadata" }, [problem("metadataUrl", HTTP_URL)]],
      [
        "missing settings and OIDC fields",
        { protocol: "saml", clientId: "x", scopes: [] },
        [problem("clientId", OIDC_ONLY), problem("scopes", OIDC_ONLY), problem("signOnUrl", REQUIRED_FOR_SAML), problem("issuer", REQUIRED_FOR_SAML), problem("certificate", REQUIRED_FOR_SAML)],
      ],
    ];
    for (const [name, raw, expected, now] of cases) {
      it(`refuses ${name}`, async () => {
        expect(await failuresOf(raw, now)).to.deep.equal(expected);
      });
    }

    it("warns, without failing, about a certificate that expires within 30 days", async () => {
      const { failures, warnings } = await checkSsoProviderInputs(SAML, new Date("2036-11-17T00:00:00Z"));
      expect(failures).to.deep.equal([]);
      expect(warnings).to.deep.equal([problem("certificate", "expires in 10 day(s), on 2036-11-27T04:15:28Z; rotate it in the IdP and here")]);
    });

    it("derives issuer, sign-on URL and certificate from metadata, and says which of several certificates it trusts", async () => {
      const { checked, failures, warnings } = await checkSsoProviderInputs({ protocol: "saml", metadataXml: ENTRA_METADATA }, NOW);
      expect(failures).to.deep.equal([]);
      expect([checked?.inputs.issuer, checked?.inputs.signOnUrl, checked?.certificate?.fingerprintSha256]).to.deep.equal([
        "https://sts.windows.net/{tenantid}/",
        "https://login.microsoftonline.com/common/saml2",
        ENTRA.longest,
      ]);
      expect(warnings).to.deep.equal([
        problem(
          "metadataXml",
          `lists 4 signing certificates valid today; using ${ENTRA.longest} (CN=accounts.accesscontrol.windows.net, valid until 2031-02-05T07:02:51Z), the one valid longest. If the IdP signs with another one, set certificate to it`,
        ),
      ]);
    });

    it("lets explicit fields win over the metadata, and then has nothing to pick", async () => {
      const { checked, warnings } = await checkSsoProviderInputs(
        { protocol: "saml", identityProvider: "entra-id", metadataXml: ENTRA_METADATA, issuer: "https://sts.windows.net/11111111-2222-3333-4444-555555555555/", certificate: ROTATION_A_BASE64 },
        NOW,
      );
      expect(checked?.inputs.issuer).to.equal("https://sts.windows.net/11111111-2222-3333-4444-555555555555/");
      expect(checked?.inputs.signOnUrl).to.equal("https://login.microsoftonline.com/common/saml2");
      expect(checked?.certificate?.fingerprintSha256).to.equal(parseCertificate(ROTATION_A).fingerprintSha256);
      expect(warnings).to.deep.equal([]);
    });
  });
});

describe("pickSigningCertificate", () => {
  const entra = deriveSamlSettings(parseIdpMetadata(ENTRA_METADATA)).certificates;

  it("takes the certificate valid longest among those valid today", () => {
    expect(pickSigningCertificate(entra, NOW).certificate?.fingerprintSha256).to.equal(ENTRA.longest);
  });

  it("never takes a certificate that is not valid yet while another one is: the IdP cannot be signing with it", () => {
    // On 2026-01-20 only the first certificate had started; the other three began in late January and February.
    expect(pickSigningCertificate(entra, new Date("2026-01-20T00:00:00Z"))).to.deep.equal({ certificate: entra[0] });
    expect(entra[0]?.fingerprintSha256).to.equal(ENTRA.oldest);
  });

  it("returns the latest certificate when none is valid, so check can say why", () => {
    expect(pickSigningCertificate(entra, new Date("2032-01-01T00:00:00Z")).certificate?.fingerprintSha256).to.equal(ENTRA.longest);
  });

  it("counts a certificate listed twice once", () => {
    const [first] = entra;
    expect(pickSigningCertificate([first!, first!], NOW)).to.deep.equal({ certificate: first });
  });

  it("returns nothing for no certificates", () => {
    expect(pickSigningCertificate([], NOW)).to.deep.equal({});
  });
});

describe("client secret digest", () => {
  const KEY = "the-key";

  it("is a keyed hmac-sha256 over a random salt and the secret, and never contains the secret", () => {
    const digest = secretDigest("s3cret-value", KEY);
    expect(digest).to.match(/^hmac-sha256-keyed:[A-Za-z0-9_-]{22}:[0-9a-f]{64}$/);
    expect(digest).to.not.include("s3cret-value");
    expect(secretDigest("s3cret-value", KEY)).to.not.equal(digest);
  });

  it("is deterministic for a given key and salt (known answer: printf 'salt\\0s3cret-value' | openssl dgst -sha256 -hmac the-key)", () => {
    expect(secretDigest("s3cret-value", KEY, "salt")).to.equal("hmac-sha256-keyed:salt:19d5fe24ed50ef31911cab266aef6a984ae6859889d1e00c7271979f6e315c4d");
  });

  it("cannot be checked without the key: the same secret under another key does not match", () => {
    expect(secretMatchesDigest("s3cret-value", "another-key", secretDigest("s3cret-value", KEY))).to.equal(false);
  });

  it("matches the secret it was made from, and nothing else", () => {
    const digest = secretDigest("s3cret-value", KEY);
    const [prefix, salt, hex] = digest.split(":") as [string, string, string];
    const table: [string, string, unknown, boolean][] = [
      ["the same secret", "s3cret-value", digest, true],
      ["another secret", "s3cret-valuE", digest, false],
      ["an empty secret", "", digest, false],
      ["no digest", "s3cret-value", undefined, false],
      ["a digest that is not a string", "s3cret-value", 42, false],
      ["the unkeyed format of earlier versions", "s3cret-value", `hmac-sha256:${salt}:${hex}`, false],
      ["a missing salt", "s3cret-value", `${prefix}::${hex}`, false],
      ["a missing hash", "s3cret-value", `${prefix}:${salt}`, false],
      ["a tampered hash", "s3cret-value", `${prefix}:${salt}:${hex.replace(/^./, (c) => (c === "0" ? "1" : "0"))}`, false],
      ["a truncated hash", "s3cret-value", `${prefix}:${salt}:${hex.slice(0, 63)}`, false],
    ];
    for (const [name, secret, candidate, expected] of table) {
      expect(secretMatchesDigest(secret, KEY, candidate), name).to.equal(expected);
    }
  });
});
