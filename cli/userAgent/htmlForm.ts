/**
 * The first form of an HTML page, read as a browser would submit it: its method, its action resolved
 * against the page's URL, and its fields (inputs with a name, and selects with their selected or
 * first option). Enough for IdP sign-in pages and auto-posting forms; not a general HTML parser.
 */

/** A form ready to submit. */
export interface HtmlForm {
  method: "GET" | "POST";
  action: URL;
  fields: URLSearchParams;
  /** The options of each select, by field name (to say which test users an IdP offers). */
  options: Map<string, string[]>;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'" };

/** Decodes the character references HTML attribute values use. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of tag.matchAll(/([A-Za-z_:][-A-Za-z0-9_:.]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    attributes.set(match[1]!.toLowerCase(), decodeHtmlEntities(match[2] ?? match[3] ?? match[4] ?? ""));
  }
  return attributes;
}

/** The page's first form, or undefined when it has none. */
export function readFirstForm(html: string, pageUrl: URL): HtmlForm | undefined {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form\s*>/i.exec(html);
  if (form === null) return undefined;
  const formAttributes = attributesOf(form[1]!);
  const body = form[2]!;
  const fields = new URLSearchParams();
  const options = new Map<string, string[]>();
  for (const input of body.matchAll(/<input\b([^>]*)>/gi)) {
    const attributes = attributesOf(input[1]!);
    const name = attributes.get("name");
    const type = (attributes.get("type") ?? "text").toLowerCase();
    if (name === undefined || type === "submit" || type === "button" || type === "image") continue;
    if ((type === "checkbox" || type === "radio") && !attributes.has("checked")) continue;
    fields.append(name, attributes.get("value") ?? "");
  }
  for (const select of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select\s*>/gi)) {
    const name = attributesOf(select[1]!).get("name");
    if (name === undefined) continue;
    const choices = [...select[2]!.matchAll(/<option\b([^>]*)>([^<]*)/gi)].map((option) => {
      const attributes = attributesOf(option[1]!);
      return { value: attributes.get("value") ?? decodeHtmlEntities(option[2]!.trim()), selected: attributes.has("selected") };
    });
    options.set(name, choices.map((c) => c.value));
    const chosen = choices.find((c) => c.selected) ?? choices[0];
    if (chosen !== undefined) fields.append(name, chosen.value);
  }
  const method = (formAttributes.get("method") ?? "get").toUpperCase() === "POST" ? "POST" : "GET";
  return { method, action: new URL(formAttributes.get("action") || pageUrl.href, pageUrl), fields, options };
}
