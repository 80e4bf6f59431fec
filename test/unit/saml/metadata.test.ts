import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { MetadataError, type MetadataErrorCode } from "../../../provider/saml/errors";
import {
  SAML2_BINDINGS,
  deriveSamlSettings,
  parseIdpMetadata,
  preferredSingleSignOnService,
  type IdpMetadata,
  type SamlSettings,
  type SingleSignOnService,
} from "../../../provider/saml/metadata";
import { EXPECTED_IDP_METADATA } from "./expectedIdpMetadata";
import { IDP_METADATA_FIXTURES, SAML_FIXTURES } from "./paths";

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const { httpRedirect: REDIRECT, httpPost: POST } = SAML2_BINDINGS;

function fixture(name: string): string {
  return readFileSync(path.join(IDP_METADATA_FIXTURES, name), "utf8");
}

function parseFixture(name: string): IdpMetadata {
  return parseIdpMetadata(fixture(name));
}

function base64Of(pemFile: string): string {
  return readFileSync(path.join(SAML_FIXTURES, pemFile), "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("-----"))
    .join("");
}

/** Certificates for hand-written documents; fingerprints by `openssl x509 -fingerprint -sha256`. */
const EC_BASE64 = base64Of("ec-p256.pem");
const EC_FINGERPRINT = "F6:C8:AA:A2:B7:D8:E9:A0:D2:0F:F5:72:62:F9:5B:3B:D4:B6:AA:D7:C8:2B:FF:83:5C:B0:59:5B:6B:FD:34:A4";
const RSA_BASE64 = base64Of("escaped-subject-rsa.pem");
const RSA_FINGERPRINT = "14:53:F2:76:8E:1E:B9:53:3E:85:19:C7:DC:51:47:F9:26:A3:37:62:DB:C0:01:C7:90:BE:BF:9D:AB:D3:68:2C";

function refusal(xml: string): MetadataError {
  try {
    parseIdpMetadata(xml);
  } catch (err) {
    expect(err).to.be.instanceOf(MetadataError);
    return err as MetadataError;
  }
  expect.fail("parseIdpMetadata accepted a document it should refuse");
}

function expectRefusal(xml: string, code: MetadataErrorCode, message: string): void {
  const err = refusal(xml);
  expect({ code: err.code, message: err.message }).to.deep.equal({ code, message });
}

function derivationRefusal(metadata: IdpMetadata, opts?: { entityId?: string }): MetadataError {
  try {
    deriveSamlSettings(metadata, opts);
  } catch (err) {
    expect(err).to.be.instanceOf(MetadataError);
    return err as MetadataError;
  }
  expect.fail("deriveSamlSettings succeeded where it should refuse");
}

function fingerprints(settings: SamlSettings): string[] {
  return settings.certificates.map((certificate) => certificate.fingerprintSha256);
}

describe("parseIdpMetadata on real vendors' metadata", () => {
  const files = readdirSync(IDP_METADATA_FIXTURES).filter((file) => file.endsWith(".xml")).sort();

  it("has an independently derived expectation for every fixture file, and no other", () => {
    expect(files).to.deep.equal(Object.keys(EXPECTED_IDP_METADATA).sort());
  });

  for (const file of files) {
    describe(file, () => {
      it("finds each IdP's entity ID, SSO services, certificates, validUntil and WantAuthnRequestsSigned", () => {
        const { entities } = parseFixture(file);
        const withoutPem = entities.map((entity) => ({
          ...entity,
          certificates: entity.certificates.map(({ pem: _pem, ...rest }) => rest),
        }));
        expect(withoutPem).to.deep.equal(EXPECTED_IDP_METADATA[file]);
      });

      it("gives each certificate as canonical PEM whose DER hashes to the fingerprint", () => {
        for (const entity of parseFixture(file).entities) {
          for (const certificate of entity.certificates) {
            expect(certificate.pem).to.match(
              /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/,
            );
            const der = Buffer.from(certificate.pem.replace(/-----[A-Z ]+-----|\n/g, ""), "base64");
            const hex = createHash("sha256").update(der).digest("hex").toUpperCase().match(/../g)!.join(":");
            expect(hex).to.equal(certificate.fingerprintSha256);
          }
        }
      });
    });
  }

  describe("the quirks SOURCES.md lists", () => {
    it("Shibboleth TestShib: reports the IdP but not the SP, and only the IDPSSODescriptor's key, not the AttributeAuthorityDescriptor's (expired 2016)", () => {
      const { entities } = parseFixture("shibboleth-testshib-providers.xml");
      expect(entities.map((entity) => entity.entityId)).to.deep.equal(["https://idp.testshib.org/idp/shibboleth"]);
      expect(entities[0]!.certificates.map(({ use, notAfter }) => ({ use, notAfter }))).to.deep.equal([
        { use: "unspecified", notAfter: "2036-08-23T21:20:54Z" },
      ]);
    });

    it("AD FS: keeps the IdP's encryption and signing certificates apart, ignoring RoleDescriptor and SPSSODescriptor keys", () => {
      const [entity] = parseFixture("adfs-bpce-signed-sign-and-encrypt.xml").entities;
      expect(entity!.certificates.map(({ use, subject, selfSigned }) => ({ use, subject, selfSigned }))).to.deep.equal([
        { use: "encryption", subject: "CN=BPCE-ZOC-PRO-SP1-Crypt, OU=SIGBPCEIT, OU=0002 493455042, O=BPCE, C=FR", selfSigned: false },
        { use: "signing", subject: "CN=BPCE-ZOC-PRO-SP1-Sign, OU=SIGBPCE, OU=0002 493455042, O=BPCE, C=FR", selfSigned: false },
      ]);
    });

    it("Azure AD: the IdP's four signing certificates, the login.microsoftonline.us one included", () => {
      const [entity] = parseFixture("azure-ad-common-signed.xml").entities;
      expect(entity!.certificates.map(({ use, subject }) => `${use} ${subject}`)).to.deep.equal([
        "signing CN=accounts.accesscontrol.windows.net",
        "signing CN=accounts.accesscontrol.windows.net",
        "signing CN=accounts.accesscontrol.windows.net",
        "signing CN=login.microsoftonline.us",
      ]);
    });

    it("RCTSaai aggregate: two IdPs, the SP skipped, the aggregate's expired validUntil applied to both", () => {
      const { entities } = parseFixture("shibboleth-rctsaai-federation-signed-aggregate.xml");
      expect(entities.map(({ entityId, validUntil }) => ({ entityId, validUntil }))).to.deep.equal([
        { entityId: "https://si-saai.ualg.pt/idp/shibboleth", validUntil: "2017-04-22T12:17:22Z" },
        { entityId: "https://idp.fccn.pt/idp/shibboleth", validUntil: "2017-04-22T12:17:22Z" },
      ]);
    });

    it("Keycloak: the entity inside an EntitiesDescriptor whose default namespace and md: are the same URI", () => {
      const { entities } = parseFixture("keycloak-entities-urn-keycloak.xml");
      expect(entities.map(({ entityId, certificates }) => [entityId, certificates.length])).to.deep.equal([
        ["http://localhost:8080/auth/realms/hse", 1],
      ]);
    });

    it("ZITADEL: the KeyDescriptor after the SSO services is found, validUntil comes from the IDPSSODescriptor, WantAuthnRequestsSigned=\"1\" is true", () => {
      const [entity] = parseFixture("zitadel-cloud-signed.xml").entities;
      expect({
        subjects: entity!.certificates.map((certificate) => certificate.subject),
        validUntil: entity!.validUntil,
        wantAuthnRequestsSigned: entity!.wantAuthnRequestsSigned,
      }).to.deep.equal({
        subjects: ["CN=ZITADEL SAML response, O=ZITADEL"],
        validUntil: "2024-05-21T09:50:37.393Z",
        wantAuthnRequestsSigned: true,
      });
    });

    it("Okta: strips the newline and indentation around the certificate's base64", () => {
      const [entity] = parseFixture("okta-dev-preview.xml").entities;
      expect(entity!.certificates.map((certificate) => certificate.notAfter)).to.deep.equal(["2026-10-06T16:37:15Z"]);
    });
  });
});

describe("deriveSamlSettings", () => {
  const cases: [string, { entityId?: string }, Omit<SamlSettings, "certificates"> & { fingerprints: string[] }][] = [
    [
      "okta-dev-preview.xml",
      {},
      {
        issuer: "http://www.okta.com/exk8dx3jilpueVzpU0h7",
        signOnUrl: "https://dev-989848.oktapreview.com/app/ciscodev843126_portal_1/exk8dx3jilpueVzpU0h7/sso/saml",
        signOnBinding: REDIRECT,
        fingerprints: ["9F:74:13:3B:BC:5A:7B:8B:2D:4F:8B:EF:1E:88:EB:D1:AE:BC:19:BF:CA:19:C6:2F:0F:4B:31:1D:68:98:B0:1B"],
      },
    ],
    [
      "jumpcloud-bitdefender.xml",
      {},
      {
        issuer: "https://gravityzone.bitdefender.com/sp/login",
        signOnUrl: "https://sso.jumpcloud.com/saml2/bitdefender",
        signOnBinding: POST,
        fingerprints: ["B1:30:01:64:A5:EB:DC:B7:EB:B2:BB:23:D6:19:13:D4:ED:15:36:B2:00:0C:F2:F9:31:1D:83:DB:39:DB:77:D6"],
      },
    ],
    [
      "onelogin-486670.xml",
      {},
      {
        issuer: "https://app.onelogin.com/saml/metadata/486670",
        // OneLogin's own quirk: its Redirect endpoint's URL says http-post.
        signOnUrl: "https://esaml2.onelogin.com/trust/saml2/http-post/sso/486670",
        signOnBinding: REDIRECT,
        fingerprints: ["AA:9A:19:A9:73:5A:49:45:35:99:D4:8A:0E:DC:DC:A5:7C:03:A0:B1:35:27:02:32:77:96:00:FB:DF:9E:9A:58"],
      },
    ],
    [
      "shibboleth-testshib-providers.xml",
      {},
      {
        issuer: "https://idp.testshib.org/idp/shibboleth",
        signOnUrl: "https://idp.testshib.org/idp/profile/SAML2/Redirect/SSO",
        signOnBinding: REDIRECT,
        fingerprints: ["ED:03:FF:38:DF:C7:EA:48:52:3E:27:10:EC:64:5F:ED:ED:DB:55:68:8C:16:2C:B3:7B:48:5C:52:3E:A5:C0:22"],
      },
    ],
    [
      "adfs-bpce-signed-sign-and-encrypt.xml",
      {},
      {
        issuer: "urn:bpce:bpce:bpce:pro:sp1",
        signOnUrl: "https://fi-sp.a.bbg/adfs/ls/",
        signOnBinding: REDIRECT,
        fingerprints: ["46:1C:AB:EF:33:A5:51:EA:19:11:2E:14:A0:F5:91:39:8E:F3:E3:FC:F6:56:78:B3:7F:21:AB:21:7A:A9:51:A4"],
      },
    ],
    [
      "google-workspace-two-signing-certs.xml",
      {},
      {
        issuer: "https://accounts.google.com/o/saml2?idpid=C023zw3x8",
        signOnUrl: "https://accounts.google.com/o/saml2/idp?idpid=C023zw3x8",
        signOnBinding: REDIRECT,
        fingerprints: [
          "13:B8:E2:64:25:18:22:45:D5:92:97:D2:E6:46:0B:3B:A9:00:4F:23:3E:47:19:00:72:5C:46:78:8F:78:10:3B",
          "DD:9E:7A:8E:F6:4B:87:BF:11:0A:7E:12:B1:E0:65:0F:8D:0B:D3:AF:BC:2B:68:66:CF:90:9A:DA:56:BA:E5:6F",
        ],
      },
    ],
    [
      "shibboleth-rctsaai-federation-signed-aggregate.xml",
      { entityId: "https://idp.fccn.pt/idp/shibboleth" },
      {
        issuer: "https://idp.fccn.pt/idp/shibboleth",
        signOnUrl: "https://idp.fccn.pt/idp/profile/SAML2/Redirect/SSO",
        signOnBinding: REDIRECT,
        fingerprints: ["0B:24:12:17:B3:C3:58:37:99:FA:1D:23:BE:A0:AC:C2:E1:D1:B8:2E:50:66:11:6E:C9:AD:5B:ED:78:66:0D:CF"],
      },
    ],
  ];
  for (const [file, opts, expected] of cases) {
    it(`${file}${opts.entityId ? ` (entity ${opts.entityId})` : ""}: ${expected.signOnBinding.split(":").pop()} endpoint, ${expected.fingerprints.length} signing certificate(s)`, () => {
      const settings = deriveSamlSettings(parseFixture(file), opts);
      expect({
        issuer: settings.issuer,
        signOnUrl: settings.signOnUrl,
        signOnBinding: settings.signOnBinding,
        fingerprints: fingerprints(settings),
      }).to.deep.equal(expected);
      expect(Object.keys(settings)).to.deep.equal(["issuer", "signOnUrl", "signOnBinding", "certificates"]);
    });
  }

  it("refuses to guess between several IdPs, naming them", () => {
    const err = derivationRefusal(parseFixture("shibboleth-rctsaai-federation-signed-aggregate.xml"));
    expect({ code: err.code, message: err.message }).to.deep.equal({
      code: "METADATA_ENTITY_AMBIGUOUS",
      message:
        "the metadata describes 2 identity providers (https://si-saai.ualg.pt/idp/shibboleth, https://idp.fccn.pt/idp/shibboleth); choose one by its entity ID",
    });
  });

  it("refuses an entity ID the metadata does not have, listing those it has", () => {
    const err = derivationRefusal(parseFixture("okta-minified-sha256.xml"), { entityId: "https://idp.example.com" });
    expect({ code: err.code, message: err.message }).to.deep.equal({
      code: "METADATA_ENTITY_NOT_FOUND",
      message:
        "the metadata has no identity provider with entity ID https://idp.example.com (it has: http://www.okta.com/exk9u78i8aMSxvkV70h7)",
    });
  });

  it("refuses an IdP with only SAML 1 and SOAP endpoints", () => {
    const metadata = parseIdpMetadata(
      entityXml(`<md:SingleSignOnService Binding="urn:mace:shibboleth:1.0:profiles:AuthnRequest" Location="https://idp.example/sso1"/>
        <md:SingleSignOnService Binding="${SAML2_BINDINGS.soap}" Location="https://idp.example/soap"/>`),
    );
    const err = derivationRefusal(metadata);
    expect({ code: err.code, message: err.message }).to.deep.equal({
      code: "METADATA_NO_SSO_SERVICE",
      message: "the IdP https://idp.example/idp declares no SAML 2.0 browser single sign-on service (HTTP-Redirect or HTTP-POST)",
    });
  });

  it("refuses an IdP whose only certificate is for encryption", () => {
    const metadata = parseIdpMetadata(
      entityXml(`${keyDescriptor(EC_BASE64, "encryption")}
        <md:SingleSignOnService Binding="${REDIRECT}" Location="https://idp.example/sso"/>`),
    );
    const err = derivationRefusal(metadata);
    expect({ code: err.code, message: err.message }).to.deep.equal({
      code: "METADATA_NO_SIGNING_CERTIFICATE",
      message:
        'the IdP https://idp.example/idp declares no signing certificate (no KeyDescriptor with use="signing" or without use)',
    });
  });
});

describe("preferredSingleSignOnService (binding preference)", () => {
  const shib1 = { binding: "urn:mace:shibboleth:1.0:profiles:AuthnRequest", location: "https://idp/shib1" };
  const saml1 = { binding: "urn:oasis:names:tc:SAML:1.0:profiles:browser-post", location: "https://idp/saml1" };
  const soap = { binding: SAML2_BINDINGS.soap, location: "https://idp/soap" };
  const paos = { binding: SAML2_BINDINGS.paos, location: "https://idp/ecp" };
  const uri = { binding: SAML2_BINDINGS.uri, location: "https://idp/uri" };
  const simpleSign = { binding: SAML2_BINDINGS.httpPostSimpleSign, location: "https://idp/simplesign" };
  const artifact = { binding: SAML2_BINDINGS.httpArtifact, location: "https://idp/artifact" };
  const post = { binding: POST, location: "https://idp/post" };
  const post2 = { binding: POST, location: "https://idp/post2" };
  const redirect = { binding: REDIRECT, location: "https://idp/redirect" };
  const redirect2 = { binding: REDIRECT, location: "https://idp/redirect2" };
  const cases: [string, SingleSignOnService[], SingleSignOnService | undefined][] = [
    ["HTTP-Redirect over HTTP-POST, wherever it comes", [shib1, post, simpleSign, redirect, soap], redirect],
    ["HTTP-POST over other SAML 2.0 bindings", [artifact, simpleSign, post, soap], post],
    ["another SAML 2.0 browser binding when there is no Redirect or POST", [shib1, saml1, soap, simpleSign], simpleSign],
    ["the first in document order among equally preferred bindings", [post, redirect2, redirect, post2], redirect2],
    ["the first of two other SAML 2.0 bindings", [artifact, simpleSign], artifact],
    ["nothing from SAML 1, Shibboleth 1, SOAP, PAOS or URI", [shib1, saml1, soap, paos, uri], undefined],
    ["nothing from an empty list", [], undefined],
  ];
  for (const [name, services, expected] of cases) {
    it(name, () => {
      expect(preferredSingleSignOnService(services)).to.equal(expected);
    });
  }
});

function keyDescriptor(base64: string, use?: string, prefix = "ds"): string {
  return `<md:KeyDescriptor${use ? ` use="${use}"` : ""}><${prefix}:KeyInfo xmlns:${prefix}="${DS}"><${prefix}:X509Data><${prefix}:X509Certificate>${base64}</${prefix}:X509Certificate></${prefix}:X509Data></${prefix}:KeyInfo></md:KeyDescriptor>`;
}

function entityXml(idpContent: string, entityAttributes = `entityID="https://idp.example/idp"`): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="${MD}" ${entityAttributes}>
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${idpContent}
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}

describe("parseIdpMetadata on hand-written documents", () => {
  const sso = `<md:SingleSignOnService Binding="${REDIRECT}" Location="https://idp.example/sso"/>`;

  it("matches elements by namespace URI whatever the prefixes", () => {
    const xml = `<meta:EntityDescriptor xmlns:meta="${MD}" entityID="urn:idp">
      <meta:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
        <meta:KeyDescriptor><sig:KeyInfo xmlns:sig="${DS}"><sig:X509Data><sig:X509Certificate>${EC_BASE64}</sig:X509Certificate></sig:X509Data></sig:KeyInfo></meta:KeyDescriptor>
        <KeyDescriptor xmlns="${MD}" use="signing"><KeyInfo xmlns="${DS}"><X509Data><X509Certificate>${RSA_BASE64}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
        <meta:SingleSignOnService Binding="${POST}" Location="https://idp.example/post"/>
      </meta:IDPSSODescriptor>
    </meta:EntityDescriptor>`;
    const [entity] = parseIdpMetadata(xml).entities;
    expect({
      entityId: entity!.entityId,
      services: entity!.singleSignOnServices,
      certificates: entity!.certificates.map(({ use, fingerprintSha256 }) => [use, fingerprintSha256]),
    }).to.deep.equal({
      entityId: "urn:idp",
      services: [{ binding: POST, location: "https://idp.example/post" }],
      certificates: [
        ["unspecified", EC_FINGERPRINT],
        ["signing", RSA_FINGERPRINT],
      ],
    });
  });

  it("ignores look-alike elements in another namespace", () => {
    const xml = entityXml(`${keyDescriptor(EC_BASE64, "signing", "ds").replace(DS, "urn:example:not-xmldsig")}
      <SingleSignOnService xmlns="urn:example:other" Binding="${POST}" Location="https://evil.example/sso"/>
      ${sso}`);
    const [entity] = parseIdpMetadata(xml).entities;
    expect({ services: entity!.singleSignOnServices, certificates: entity!.certificates.length }).to.deep.equal({
      services: [{ binding: REDIRECT, location: "https://idp.example/sso" }],
      certificates: 0,
    });
  });

  it('treats an IDPSSODescriptor under xmlns="" as no IdP at all', () => {
    const xml = `<EntityDescriptor xmlns="${MD}" entityID="urn:idp"><IDPSSODescriptor xmlns="">${sso.replace(/md:/g, "")}</IDPSSODescriptor></EntityDescriptor>`;
    expectRefusal(
      xml,
      "METADATA_NO_IDP",
      "the metadata describes no identity provider (no EntityDescriptor has an IDPSSODescriptor)",
    );
  });

  it("decodes entity and character references in attributes", () => {
    const xml = entityXml(
      `<md:SingleSignOnService Binding="${REDIRECT}" Location="https://idp.example/sso?a=1&amp;b=&#x32;&#51;&apos;&quot;"/>`,
      `entityID="https://idp.example/?tenant=a&amp;x=&lt;y&gt;"`,
    );
    const [entity] = parseIdpMetadata(xml).entities;
    expect([entity!.entityId, entity!.singleSignOnServices[0]!.location]).to.deep.equal([
      "https://idp.example/?tenant=a&x=<y>",
      "https://idp.example/sso?a=1&b=23'\"",
    ]);
  });

  it("reads a certificate written with &#xD; line ends (as .NET signs metadata) or inside CDATA", () => {
    const crlf = (EC_BASE64.match(/.{1,64}/g) ?? []).join("&#xD;\n");
    const xml = entityXml(`${keyDescriptor(crlf, "signing")}
      <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="${DS}"><ds:X509Data><ds:X509Certificate><![CDATA[
        ${RSA_BASE64}
      ]]></ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>${sso}`);
    const [entity] = parseIdpMetadata(xml).entities;
    expect(entity!.certificates.map((certificate) => certificate.fingerprintSha256)).to.deep.equal([
      EC_FINGERPRINT,
      RSA_FINGERPRINT,
    ]);
  });

  it("finds entities in nested EntitiesDescriptors and applies the earliest validUntil", () => {
    const xml = `<EntitiesDescriptor xmlns="${MD}" validUntil="2030-01-01T00:00:00Z">
      <EntitiesDescriptor validUntil="2029-06-01T00:00:00Z">
        <EntityDescriptor entityID="urn:a" validUntil="2031-01-01T00:00:00Z"><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${sso.replace(/md:/g, "")}</IDPSSODescriptor></EntityDescriptor>
      </EntitiesDescriptor>
      <EntityDescriptor entityID="urn:b"><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" validUntil="2028-01-01T00:00:00Z">${sso.replace(/md:/g, "")}</IDPSSODescriptor></EntityDescriptor>
      <EntityDescriptor entityID="urn:sp"><SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></EntityDescriptor>
    </EntitiesDescriptor>`;
    expect(parseIdpMetadata(xml).entities.map(({ entityId, validUntil }) => ({ entityId, validUntil }))).to.deep.equal([
      { entityId: "urn:a", validUntil: "2029-06-01T00:00:00Z" },
      { entityId: "urn:b", validUntil: "2028-01-01T00:00:00Z" },
    ]);
  });

  it("accepts a UTF-8 byte-order mark", () => {
    expect(parseIdpMetadata("\uFEFF" + entityXml(sso)).entities.map((entity) => entity.entityId)).to.deep.equal([
      "https://idp.example/idp",
    ]);
  });

  describe("refuses, with a one-line reason", () => {
    const cases: [string, string, MetadataErrorCode, string][] = [
      ["an empty document", "  \n ", "METADATA_EMPTY", "the metadata is empty"],
      ["JSON", `{"entityID": "x"}`, "METADATA_NOT_XML", "the metadata is not XML (it does not start with '<')"],
      [
        "an HTML page (e.g. a login page instead of the metadata)",
        "<html><body><p>Sign in</p></body></html>",
        "METADATA_HTML",
        "this is an HTML page, not SAML metadata: use the IdP's federation metadata (XML whose root is an EntityDescriptor), not a sign-in or portal page",
      ],
      [
        "an EntityDescriptor in no namespace",
        `<EntityDescriptor entityID="urn:idp"><IDPSSODescriptor>${sso.replace(/md:/g, "")}</IDPSSODescriptor></EntityDescriptor>`,
        "METADATA_NOT_SAML",
        `the document is not SAML 2.0 metadata: its root element EntityDescriptor is not in the namespace ${MD}`,
      ],
      [
        "SP-only metadata",
        `<md:EntityDescriptor xmlns:md="${MD}" entityID="urn:sp"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>`,
        "METADATA_NO_IDP",
        "the metadata describes no identity provider (no EntityDescriptor has an IDPSSODescriptor)",
      ],
      [
        "mismatched tags",
        `<md:EntityDescriptor xmlns:md="${MD}"><md:IDPSSODescriptor></md:EntityDescriptor>`,
        "METADATA_NOT_WELL_FORMED",
        "the metadata is not well-formed XML: Expected closing tag 'md:IDPSSODescriptor' (opened in line 1, col 70) instead of closing tag 'md:EntityDescriptor'. (line 1, column 91)",
      ],
      [
        "two root elements",
        `${entityXml(sso)}<md:EntityDescriptor xmlns:md="${MD}" entityID="urn:second"/>`,
        "METADATA_NOT_WELL_FORMED",
        "the metadata is not well-formed XML: 2 root elements, XML allows one",
      ],
      [
        "an undeclared namespace prefix",
        `<md:EntityDescriptor entityID="urn:idp"/>`,
        "METADATA_NOT_WELL_FORMED",
        "the metadata is not well-formed XML: the namespace prefix 'md' is used but not declared",
      ],
      [
        "an entity reference no DTD declares",
        entityXml(`<md:SingleSignOnService Binding="${REDIRECT}" Location="https://idp.example/&xxe;"/>`),
        "METADATA_NOT_WELL_FORMED",
        "the metadata is not well-formed XML: an entity reference other than &lt; &gt; &amp; &quot; &apos; (no DTD declares it)",
      ],
      [
        "a bare ampersand",
        entityXml(`<md:SingleSignOnService Binding="${REDIRECT}" Location="https://idp.example/?a=1&b=2"/>`),
        "METADATA_NOT_WELL_FORMED",
        "the metadata is not well-formed XML: an '&' does not start a character or entity reference",
      ],
      [
        "a character reference to a character XML forbids",
        entityXml(`<md:SingleSignOnService Binding="${REDIRECT}" Location="https://idp.example/&#0;"/>`),
        "METADATA_NOT_WELL_FORMED",
        "the metadata is not well-formed XML: a character reference names a character XML does not allow",
      ],
      [
        "an IdP without entityID",
        entityXml(sso, ""),
        "METADATA_INVALID",
        "an EntityDescriptor with an IDPSSODescriptor has no entityID",
      ],
      [
        "a SingleSignOnService without Location",
        entityXml(`${sso}<md:SingleSignOnService Binding="${POST}"/>`),
        "METADATA_INVALID",
        "SingleSignOnService 2 of the IdP https://idp.example/idp has no Location",
      ],
      [
        "a KeyDescriptor use that is neither signing nor encryption",
        entityXml(`${keyDescriptor(EC_BASE64, "sign")}${sso}`),
        "METADATA_INVALID",
        'a KeyDescriptor of the IdP https://idp.example/idp has a use other than "signing" or "encryption"',
      ],
      [
        "a WantAuthnRequestsSigned that is not a boolean",
        entityXml(sso).replace("<md:IDPSSODescriptor", '<md:IDPSSODescriptor WantAuthnRequestsSigned="yes"'),
        "METADATA_INVALID",
        "WantAuthnRequestsSigned of the IdP https://idp.example/idp is not a boolean (true, false, 1 or 0)",
      ],
      [
        "a validUntil that is not a date",
        entityXml(sso, `entityID="https://idp.example/idp" validUntil="next Tuesday"`),
        "METADATA_INVALID",
        "a validUntil that applies to the IdP https://idp.example/idp is not a date and time",
      ],
      [
        "an IdP certificate that does not parse",
        entityXml(`${keyDescriptor(EC_BASE64, "signing")}${keyDescriptor("AAAA", "signing")}${sso}`),
        "METADATA_BAD_CERTIFICATE",
        "certificate 2 of the IdP https://idp.example/idp does not parse: the certificate's bytes are not a DER-encoded X.509 certificate",
      ],
    ];
    for (const [name, xml, code, message] of cases) {
      it(name, () => expectRefusal(xml, code, message));
    }
  });
});
