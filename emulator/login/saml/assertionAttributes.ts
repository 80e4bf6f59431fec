/**
 * The attributes of a verified SAML assertion, read from every one of its AttributeStatements. An
 * IdP may send several statements (Okta's attribute statements and group attribute statements,
 * for one), and may name one attribute in more than one: its values are then the union of all of
 * them, in order of first appearance — node-saml would keep only the last one, silently. Whether a
 * union is acceptable for a claim is decided by the claims' rules (claims.ts): e-mail is
 * single-valued, so a response that gives it two values is refused there.
 */
import { readSafeXml, type XmlElement } from "../../../provider/saml/safeXml";

const ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

function children(element: XmlElement, localName: string): XmlElement[] {
  return element.children.filter((child) => child.namespace === ASSERTION_NS && child.localName === localName);
}

/** Whether an AttributeValue says it has no value (`xsi:nil="true"`). */
function isNil(value: XmlElement): boolean {
  for (const [name, attribute] of value.attributes) {
    if (name.endsWith(":nil") && attribute === "true") {
      const prefix = name.slice(0, -":nil".length);
      if (value.attributes.get(`xmlns:${prefix}`) === XSI_NS || prefix === "xsi") return true;
    }
  }
  return false;
}

/**
 * Each attribute Name of `assertionXml` (the signed assertion node-saml verified) with its values,
 * across all AttributeStatements: one value as a string, several as a list. Values that are not
 * text (nested elements) or are nil are left out, as the rules could not compare them.
 */
export function assertionAttributes(assertionXml: string): Record<string, string | string[]> {
  const assertion = readSafeXml(assertionXml);
  const values = new Map<string, string[]>();
  for (const statement of children(assertion, "AttributeStatement")) {
    for (const attribute of children(statement, "Attribute")) {
      const name = attribute.attributes.get("Name");
      if (name === undefined) continue;
      const texts = children(attribute, "AttributeValue")
        .filter((value) => value.children.length === 0 && !isNil(value))
        .map((value) => value.text);
      if (texts.length === 0) continue;
      const known = values.get(name) ?? [];
      for (const text of texts) if (!known.includes(text)) known.push(text);
      values.set(name, known);
    }
  }
  return Object.fromEntries([...values].map(([name, list]) => [name, list.length === 1 ? list[0]! : list]));
}
