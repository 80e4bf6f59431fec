/**
 * Reading untrusted XML (IdP metadata fetched from a URL or pasted by a user) into a small,
 * namespace-resolved element tree, refusing up front what could make reading it expensive or
 * dangerous: DTDs and entity declarations (billion laughs, external entities), floods of numeric
 * character references, deep nesting and oversize documents.
 *
 * fast-xml-parser runs with entity processing off; the five predefined entities and numeric
 * character references are decoded here, as the tree is built, and any other reference is refused.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { MetadataError } from "./errors";

/**
 * Largest document accepted, in UTF-8 bytes (5 MiB). An IdP's own metadata is 2–80 KB; what is
 * larger is a federation aggregate, not the metadata to configure one SP with.
 */
export const MAX_METADATA_BYTES = 5 * 1024 * 1024;

/** Deepest element nesting accepted. Real metadata nests 6–9 deep (AD FS's WS-Trust endpoint references are the deepest). */
export const MAX_ELEMENT_DEPTH = 64;

/**
 * Most numeric character references (`&#…;`) accepted in one document, comments included. Real
 * metadata has few or none; .NET may write `&#xD;` at the end of base64 lines of signed documents.
 */
export const MAX_CHARACTER_REFERENCES = 10_000;

/** An element with its namespace resolved from the `xmlns` declarations in scope. */
export interface XmlElement {
  /** The namespace URI, or `null` for an element in no namespace. */
  readonly namespace: string | null;
  readonly localName: string;
  /** The name as written, prefix included. */
  readonly qualifiedName: string;
  /** Attributes by their name as written (`xmlns` declarations included), values decoded. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own character data (text and CDATA of direct children), decoded, in order. */
  readonly text: string;
}

const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
const ATTRIBUTE_PREFIX = "@_";
const ATTRIBUTES_KEY = ":@";
const TEXT_KEY = "#text";
const CDATA_KEY = "#cdata";

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  allowBooleanAttributes: false,
  removeNSPrefix: false,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  cdataPropName: CDATA_KEY,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // A backstop only: screenDocument refuses deeper documents first, with a clearer reason.
  maxNestedTags: MAX_ELEMENT_DEPTH + 1,
});

/**
 * Reads `xml` into its root element.
 *
 * @throws MetadataError `METADATA_EMPTY`, `METADATA_TOO_LARGE`, `METADATA_NOT_XML`, `METADATA_HTML`,
 *   `METADATA_DTD_REFUSED`, `METADATA_TOO_MANY_CHARACTER_REFERENCES`, `METADATA_TOO_DEEP` or
 *   `METADATA_NOT_WELL_FORMED`.
 */
export function readSafeXml(xml: string): XmlElement {
  // Characters never outnumber UTF-8 bytes, so the cheap test catches most oversize input first.
  if (xml.length > MAX_METADATA_BYTES || Buffer.byteLength(xml, "utf8") > MAX_METADATA_BYTES) {
    throw new MetadataError(
      "METADATA_TOO_LARGE",
      `the metadata is larger than ${MAX_METADATA_BYTES / (1024 * 1024)} MiB (${MAX_METADATA_BYTES} bytes)`,
    );
  }
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  const start = text.search(/\S/);
  if (start === -1) throw new MetadataError("METADATA_EMPTY", "the metadata is empty");
  if (text[start] !== "<") throw new MetadataError("METADATA_NOT_XML", "the metadata is not XML (it does not start with '<')");
  // A metadata URL that answers a sign-in or error page is the usual mistake: name it before the
  // DTD screen would refuse its `<!DOCTYPE html>`.
  if (/^(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html\b|html\b)/i.test(text.slice(start))) {
    throw new MetadataError(
      "METADATA_HTML",
      "this is an HTML page, not SAML metadata: use the IdP's federation metadata (XML whose root is an EntityDescriptor), not a sign-in or portal page",
    );
  }

  screenDocument(text);

  const verdict = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (verdict !== true) {
    const { line, col, msg } = verdict.err;
    throw notWellFormed(`${msg} (line ${line}${col === undefined ? "" : `, column ${col}`})`);
  }
  let nodes: unknown;
  try {
    nodes = parser.parse(text);
  } catch (cause) {
    throw notWellFormed(cause instanceof Error ? cause.message : String(cause), cause);
  }
  const roots = asNodeList(nodes).filter((node) => elementName(node) !== undefined);
  if (roots.length !== 1) {
    throw notWellFormed(roots.length === 0 ? "no root element" : `${roots.length} root elements, XML allows one`);
  }
  return buildElement(roots[0]!, new Map([["xml", XML_NAMESPACE]]));
}

/**
 * One linear pass over the raw text before any parser sees it: refuses DTDs and entity
 * declarations, counts numeric character references and measures nesting depth. Comments, CDATA,
 * processing instructions and quoted attribute values are skipped, so markup inside them does not
 * count.
 */
function screenDocument(xml: string): void {
  let references = 0;
  for (let at = xml.indexOf("&#"); at !== -1; at = xml.indexOf("&#", at + 2)) {
    if (++references > MAX_CHARACTER_REFERENCES) {
      throw new MetadataError(
        "METADATA_TOO_MANY_CHARACTER_REFERENCES",
        `the metadata holds more than ${MAX_CHARACTER_REFERENCES} numeric character references (&#…;); refused as a likely denial-of-service attempt`,
      );
    }
  }

  let depth = 0;
  let at = xml.indexOf("<");
  while (at !== -1) {
    let next: number;
    if (xml.startsWith("<!--", at)) {
      next = after(xml, "-->", at + 4, "a comment is not closed");
    } else if (xml.startsWith("<![CDATA[", at)) {
      next = after(xml, "]]>", at + 9, "a CDATA section is not closed");
    } else if (xml.startsWith("<!", at)) {
      const keyword = xml.slice(at + 2, at + 9).toUpperCase();
      throw new MetadataError(
        "METADATA_DTD_REFUSED",
        keyword.startsWith("DOCTYPE")
          ? "the metadata declares a DOCTYPE; DTDs are refused (entity expansion and external entities), and SAML metadata never needs one"
          : keyword.startsWith("ENTITY")
            ? "the metadata declares an ENTITY; entity declarations are refused (entity expansion and external entities)"
            : "the metadata holds a markup declaration (<!…>); DTD syntax is refused",
      );
    } else if (xml.startsWith("<?", at)) {
      next = after(xml, "?>", at + 2, "a processing instruction is not closed");
    } else if (xml.startsWith("</", at)) {
      next = after(xml, ">", at + 2, "an end tag is not closed");
      depth--;
    } else {
      const end = endOfStartTag(xml, at + 1);
      next = end + 1;
      if (xml.charCodeAt(end - 1) !== 0x2f /* "/" */ && ++depth > MAX_ELEMENT_DEPTH) {
        throw new MetadataError(
          "METADATA_TOO_DEEP",
          `the metadata nests elements more than ${MAX_ELEMENT_DEPTH} deep; refused as a likely denial-of-service attempt`,
        );
      }
    }
    at = xml.indexOf("<", next);
  }
}

/** The index just past the first `terminator` at or after `from`. */
function after(xml: string, terminator: string, from: number, problem: string): number {
  const end = xml.indexOf(terminator, from);
  if (end === -1) throw notWellFormed(problem);
  return end + terminator.length;
}

/** The index of the `>` that ends the start tag whose name begins at `from`, skipping quoted values. */
function endOfStartTag(xml: string, from: number): number {
  for (let at = from; at < xml.length; at++) {
    const c = xml.charCodeAt(at);
    if (c === 0x3e /* ">" */) return at;
    if (c === 0x22 /* '"' */ || c === 0x27 /* "'" */) {
      const close = xml.indexOf(c === 0x22 ? '"' : "'", at + 1);
      if (close === -1) throw notWellFormed("an attribute value is not closed");
      at = close;
    }
  }
  throw notWellFormed("a start tag is not closed");
}

function notWellFormed(detail: string, cause?: unknown): MetadataError {
  const oneLine = detail.replace(/\s+/g, " ").trim();
  const short = oneLine.length > 160 ? `${oneLine.slice(0, 157)}...` : oneLine;
  return new MetadataError("METADATA_NOT_WELL_FORMED", `the metadata is not well-formed XML: ${short}`, { cause });
}

type OrderedNode = Record<string, unknown>;

function asNodeList(value: unknown): OrderedNode[] {
  return Array.isArray(value) ? value.filter((item): item is OrderedNode => typeof item === "object" && item !== null) : [];
}

/** The tag name of an element node of fast-xml-parser's ordered output, or undefined for text and CDATA. */
function elementName(node: OrderedNode): string | undefined {
  for (const key of Object.keys(node)) {
    if (key !== ATTRIBUTES_KEY && key !== TEXT_KEY && key !== CDATA_KEY) return key;
  }
  return undefined;
}

function buildElement(node: OrderedNode, inherited: ReadonlyMap<string, string>): XmlElement {
  const qualifiedName = elementName(node)!;
  const attributes = new Map<string, string>();
  const rawAttributes = node[ATTRIBUTES_KEY];
  if (typeof rawAttributes === "object" && rawAttributes !== null) {
    for (const [key, value] of Object.entries(rawAttributes)) {
      const name = key.startsWith(ATTRIBUTE_PREFIX) ? key.slice(ATTRIBUTE_PREFIX.length) : key;
      attributes.set(name, decodeCharacterData(String(value)));
    }
  }

  let scope = inherited;
  for (const [name, value] of attributes) {
    if (name !== "xmlns" && !name.startsWith("xmlns:")) continue;
    if (scope === inherited) scope = new Map(inherited);
    const prefix = name === "xmlns" ? "" : name.slice("xmlns:".length);
    // xmlns="" (and the XML 1.1 form xmlns:p="") un-declares.
    if (value === "") (scope as Map<string, string>).delete(prefix);
    else (scope as Map<string, string>).set(prefix, value);
  }

  const colon = qualifiedName.indexOf(":");
  const prefix = colon === -1 ? "" : qualifiedName.slice(0, colon);
  const localName = colon === -1 ? qualifiedName : qualifiedName.slice(colon + 1);
  if (localName === "" || localName.includes(":") || prefix === "xmlns") {
    throw notWellFormed("an element name is not a valid qualified name");
  }
  const namespace = scope.get(prefix) ?? null;
  if (prefix !== "" && namespace === null) {
    throw notWellFormed(`the namespace prefix '${prefix.slice(0, 40)}' is used but not declared`);
  }

  const children: XmlElement[] = [];
  let text = "";
  for (const child of asNodeList(node[qualifiedName])) {
    if (TEXT_KEY in child) text += decodeCharacterData(String(child[TEXT_KEY]));
    else if (CDATA_KEY in child) {
      for (const part of asNodeList(child[CDATA_KEY])) text += String(part[TEXT_KEY] ?? "");
    } else if (elementName(child) !== undefined) children.push(buildElement(child, scope));
  }
  return { namespace, localName, qualifiedName, attributes, children, text };
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Decodes the predefined entities and numeric character references; any other `&` is an error, as there is no DTD to declare entities. */
function decodeCharacterData(raw: string): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(/&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|([A-Za-z_][\w.-]{0,31}))?(;?)/g, (_match, hex, dec, name, semi) => {
    if (semi !== ";" || (hex === undefined && dec === undefined && name === undefined)) {
      throw notWellFormed("an '&' does not start a character or entity reference");
    }
    if (name !== undefined) {
      const value = PREDEFINED_ENTITIES[name as string];
      if (value === undefined) {
        throw notWellFormed("an entity reference other than &lt; &gt; &amp; &quot; &apos; (no DTD declares it)");
      }
      return value;
    }
    const codePoint = hex !== undefined ? parseInt(hex as string, 16) : parseInt(dec as string, 10);
    if (!isXmlChar(codePoint)) throw notWellFormed("a character reference names a character XML does not allow");
    return String.fromCodePoint(codePoint);
  });
}

function isXmlChar(c: number): boolean {
  return (
    c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff)
  );
}
