/**
 * Reading an AuthnRequest received over the HTTP-Redirect binding: base64 of raw-DEFLATEd XML in
 * the `SAMLRequest` query parameter. Only what an IdP answers with is kept: the ID, the ACS URL
 * and the requester's entity ID.
 */
import { inflateRawSync } from "node:zlib";
import { readSafeXml } from "../../provider/saml/safeXml";

const PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
const ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";

/** The parts of an AuthnRequest a response needs. */
export interface AuthnRequestSummary {
  id: string;
  /** Where to post the Response. */
  assertionConsumerServiceUrl: string;
  /** The SP's entity ID: the audience of the assertion. */
  issuer: string;
}

/** Decodes and reads `SAMLRequest`; throws an Error with a one-line reason. */
export function readRedirectAuthnRequest(samlRequest: string): AuthnRequestSummary {
  let xml: string;
  try {
    xml = inflateRawSync(Buffer.from(samlRequest, "base64"), { maxOutputLength: 256 * 1024 }).toString("utf8");
  } catch {
    throw new Error("SAMLRequest is not base64 of DEFLATE-compressed XML (HTTP-Redirect binding)");
  }
  const root = readSafeXml(xml);
  if (root.namespace !== PROTOCOL_NS || root.localName !== "AuthnRequest") throw new Error(`SAMLRequest is a ${root.qualifiedName}, not an AuthnRequest`);
  const id = root.attributes.get("ID");
  const acs = root.attributes.get("AssertionConsumerServiceURL");
  const issuer = root.children.find((c) => c.namespace === ASSERTION_NS && c.localName === "Issuer")?.text;
  if (!id || !acs || !issuer) throw new Error("the AuthnRequest lacks its ID, AssertionConsumerServiceURL or Issuer");
  return { id, assertionConsumerServiceUrl: acs, issuer };
}
