/**
 * A signed SAML 2.0 Response, as an IdP posts it to a service provider's ACS URL: Issuer, Status,
 * and one Assertion (Subject with an e-mail NameID and a bearer SubjectConfirmation, Conditions
 * with the audience, an AuthnStatement, and an AttributeStatement with `email`, `name` and the
 * multi-valued `groups`, optionally followed by more AttributeStatements). The Assertion is signed, then the Response (RSA-SHA256, exclusive
 * canonicalization, enveloped signatures placed after the Issuer as the schema requires).
 * Every part can be overridden, so tests can build the answers an attacker would.
 */
import { randomBytes } from "node:crypto";
import { SignedXml } from "xml-crypto";
import { escapeHtml } from "../html";
import type { TestUser } from "../users";
import type { SigningIdentity } from "./selfSignedCertificate";

const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/** What goes into a Response. */
export interface SamlResponseOptions {
  /** The IdP entity ID (Issuer of the Response and the Assertion). */
  issuer: string;
  /** The SP's ACS URL (Destination, Recipient). */
  destination: string;
  /** The AuthnRequest ID answered; omitted for an IdP-initiated response. */
  inResponseTo?: string;
  /** The SP entity ID (AudienceRestriction). */
  audience: string;
  user: TestUser;
  /** Extra or replacement attributes, by Name. */
  attributes?: Readonly<Record<string, readonly string[]>>;
  /**
   * More AttributeStatements after the first, as some IdPs send (e.g. Okta's group attribute
   * statements), each with its attributes by Name; they may repeat a Name of another statement.
   */
  extraAttributeStatements?: readonly Readonly<Record<string, readonly string[]>>[];
  signer: SigningIdentity;
  /** Issue instant; default now. NotBefore = it − 1 min, NotOnOrAfter = it + 5 min unless given. */
  now?: Date;
  notBefore?: Date;
  notOnOrAfter?: Date;
  signAssertion?: boolean;
  signResponse?: boolean;
  responseId?: string;
  assertionId?: string;
}

function newId(): string {
  // An xs:ID must not start with a digit.
  return `_${randomBytes(20).toString("hex")}`;
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The attributes sent for `user`: email, name, and groups with one AttributeValue per group. */
export function userAttributes(user: TestUser): Record<string, readonly string[]> {
  return { email: [user.email], name: [user.displayName], groups: user.groups };
}

function attributeStatement(attributes: Readonly<Record<string, readonly string[]>>): string {
  const entries = Object.entries(attributes)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${escapeHtml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values
          .map((value) => `<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${escapeHtml(value)}</saml:AttributeValue>`)
          .join("")}</saml:Attribute>`,
    )
    .join("");
  return `<saml:AttributeStatement>${entries}</saml:AttributeStatement>`;
}

/** Signs the element with ID `id` (enveloped, placed right after its Issuer). */
export function signElement(xml: string, id: string, signer: SigningIdentity): string {
  const signature = new SignedXml({
    privateKey: signer.privateKeyPem,
    publicCert: signer.certificatePem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  signature.addReference({ xpath: `//*[@ID='${id}']`, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256 });
  signature.computeSignature(xml, { prefix: "ds", location: { reference: `//*[@ID='${id}']/*[local-name(.)='Issuer']`, action: "after" } });
  return signature.getSignedXml();
}

/** The Response XML. */
export function buildSamlResponse(options: SamlResponseOptions): string {
  const now = options.now ?? new Date();
  const notBefore = options.notBefore ?? new Date(now.getTime() - 60_000);
  const notOnOrAfter = options.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
  const responseId = options.responseId ?? newId();
  const assertionId = options.assertionId ?? newId();
  const inResponseTo = options.inResponseTo === undefined ? "" : ` InResponseTo="${escapeHtml(options.inResponseTo)}"`;
  const attributes = { ...userAttributes(options.user), ...options.attributes };
  const assertion =
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${escapeHtml(options.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${escapeHtml(options.user.email)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${inResponseTo} NotOnOrAfter="${iso(notOnOrAfter)}" Recipient="${escapeHtml(options.destination)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}"><saml:AudienceRestriction><saml:Audience>${escapeHtml(options.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    attributeStatement(attributes) +
    (options.extraAttributeStatements ?? []).map(attributeStatement).join("") +
    `</saml:Assertion>`;
  let xml =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${responseId}" Version="2.0" IssueInstant="${iso(now)}" Destination="${escapeHtml(options.destination)}"${inResponseTo}>` +
    `<saml:Issuer>${escapeHtml(options.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    assertion +
    `</samlp:Response>`;
  if (options.signAssertion ?? true) xml = signElement(xml, assertionId, options.signer);
  if (options.signResponse ?? true) xml = signElement(xml, responseId, options.signer);
  return xml;
}
