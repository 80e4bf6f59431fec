/**
 * A first, structural look at a SAML Response before any signature is checked: read with the
 * project's hardened XML reader (no DTDs, no entity expansion, bounded depth), then held to the one
 * shape an IdP's answer has — a samlp:Response root, exactly one saml:Assertion directly under it,
 * unique IDs, and each ds:Signature directly inside the element it signs, referencing that element's
 * own ID. node-saml verifies signatures against exactly this shape too; refusing anything else here
 * first turns every XML-signature-wrapping variant into one clear reason instead of a generic
 * "invalid signature".
 */
import { MetadataError } from "../../../provider/saml/errors";
import { readSafeXml, type XmlElement } from "../../../provider/saml/safeXml";
import { LoginError } from "../loginErrors";

const PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
const ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
const DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
const SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";

/** What the structure says, before anything is trusted: used for checks and clear messages only. */
export interface ResponseOutline {
  responseId: string;
  inResponseTo: string | undefined;
  destination: string | undefined;
  /** The Response's own Issuer, if it has one (it is optional). */
  responseIssuer: string | undefined;
  /** The base64 certificates the signatures' KeyInfo carry (untrusted; for saying which key signed). */
  embeddedCertificates: string[];
}

function wrapping(message: string): LoginError {
  return new LoginError("SAML_SIGNATURE_WRAPPING", `signature wrapping refused: ${message}`);
}

interface Located {
  element: XmlElement;
  parent: XmlElement | undefined;
  /** Local names from the root down, e.g. `Response/Extensions/Assertion`. */
  path: string;
}

function walk(element: XmlElement, parent: XmlElement | undefined, path: string, out: Located[]): void {
  out.push({ element, parent, path });
  for (const child of element.children) walk(child, element, `${path}/${child.localName}`, out);
}

function is(element: XmlElement, namespace: string, localName: string): boolean {
  return element.namespace === namespace && element.localName === localName;
}

function child(element: XmlElement, namespace: string, localName: string): XmlElement | undefined {
  return element.children.find((c) => is(c, namespace, localName));
}

function parse(xml: string): XmlElement {
  try {
    return readSafeXml(xml);
  } catch (err) {
    if (err instanceof MetadataError) {
      throw new LoginError("SAML_NOT_XML", `the SAMLResponse was refused before parsing: ${err.message.replace(/\bthe metadata\b/g, "the document")}`);
    }
    throw err;
  }
}

/** The SAML status code of a Response without an assertion: an IdP-side refusal. */
function refuseStatus(root: XmlElement): void {
  const code = child(child(root, PROTOCOL_NS, "Status") ?? root, PROTOCOL_NS, "StatusCode");
  const value = code?.attributes.get("Value");
  if (value !== undefined && value !== SUCCESS) {
    const nested = child(code!, PROTOCOL_NS, "StatusCode")?.attributes.get("Value");
    const message = child(child(root, PROTOCOL_NS, "Status")!, PROTOCOL_NS, "StatusMessage")?.text;
    const short = (uri: string) => uri.replace(/^.*:/, "");
    throw new LoginError(
      "SAML_IDP_ERROR",
      `the IdP refused the sign-in: status ${short(value)}${nested ? `/${short(nested)}` : ""}${message ? ` (${message.slice(0, 200)})` : ""}`,
    );
  }
}

/** Checks the Response's shape and returns what it says; throws a LoginError naming what is wrong. */
export function outlineSamlResponse(xml: string): ResponseOutline {
  const root = parse(xml);
  if (!is(root, PROTOCOL_NS, "Response")) {
    throw new LoginError("SAML_INVALID_RESPONSE", `the SAMLResponse's root element is ${root.qualifiedName}, not a samlp:Response`);
  }
  const all: Located[] = [];
  walk(root, undefined, "Response", all);

  const ids = new Map<string, number>();
  for (const { element } of all) {
    const id = element.attributes.get("ID");
    if (id !== undefined) ids.set(id, (ids.get(id) ?? 0) + 1);
  }
  for (const [id, count] of ids) {
    if (count > 1) throw wrapping(`the ID "${id.slice(0, 80)}" appears on ${count} elements; a signature reference must designate one`);
  }

  if (all.some(({ element }) => is(element, ASSERTION_NS, "EncryptedAssertion"))) {
    throw new LoginError("SAML_INVALID_RESPONSE", "the response holds an EncryptedAssertion; the local workspace has no decryption key, configure the IdP to send the assertion unencrypted");
  }
  const assertions = all.filter(({ element }) => is(element, ASSERTION_NS, "Assertion"));
  if (assertions.length === 0) {
    refuseStatus(root);
    throw new LoginError("SAML_INVALID_RESPONSE", "the response holds no Assertion");
  }
  if (assertions.length > 1) {
    throw wrapping(
      `the response holds ${assertions.length} Assertion elements (${assertions.map((a) => a.path).join(", ")}); an IdP sends exactly one, and extra ones are how an unsigned assertion is smuggled next to a signed one`,
    );
  }
  const assertion = assertions[0]!;
  if (assertion.parent !== root) {
    throw wrapping(`the Assertion sits at ${assertion.path}, not directly under the Response`);
  }

  const embeddedCertificates: string[] = [];
  for (const { element, parent, path } of all) {
    if (!is(element, DSIG_NS, "Signature")) continue;
    if (parent !== root && parent !== assertion.element) {
      throw wrapping(`a Signature sits at ${path}; signatures belong directly inside the Response or the Assertion they sign`);
    }
    const signed = parent === root ? "Response" : "Assertion";
    const references = child(element, DSIG_NS, "SignedInfo")?.children.filter((c) => is(c, DSIG_NS, "Reference")) ?? [];
    if (references.length !== 1) throw wrapping(`the ${signed}'s signature has ${references.length} references; it must reference exactly its own element`);
    const uri = references[0]!.attributes.get("URI") ?? "";
    const ownId = parent.attributes.get("ID");
    if (ownId === undefined || uri !== `#${ownId}`) {
      throw wrapping(`the ${signed}'s signature references "${uri.slice(0, 80)}", not the ${signed} itself (${ownId === undefined ? "it has no ID" : `#${ownId.slice(0, 80)}`})`);
    }
    const certificate = child(child(child(element, DSIG_NS, "KeyInfo") ?? element, DSIG_NS, "X509Data") ?? element, DSIG_NS, "X509Certificate");
    if (certificate !== undefined) embeddedCertificates.push(certificate.text.replace(/\s+/g, ""));
  }
  if (child(assertion.element, DSIG_NS, "Signature") === undefined) {
    throw new LoginError("SAML_ASSERTION_UNSIGNED", "the Assertion is not signed; the workspace accepts only signed assertions (configure the IdP to sign the assertion)");
  }

  const responseId = root.attributes.get("ID");
  if (responseId === undefined) throw new LoginError("SAML_INVALID_RESPONSE", "the Response has no ID");
  return {
    responseId,
    inResponseTo: root.attributes.get("InResponseTo"),
    destination: root.attributes.get("Destination"),
    responseIssuer: child(root, ASSERTION_NS, "Issuer")?.text,
    embeddedCertificates,
  };
}
