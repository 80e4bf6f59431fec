/**
 * The two pages a dev IdP shows a browser: a sign-in form to pick a test user (no password), and an
 * auto-submitting form that posts an answer to the service provider (SAML HTTP-POST binding). The
 * headless user agent in emulator/login reads and submits both as a browser would.
 */
import type { ServerResponse } from "node:http";
import type { TestUser } from "./users";

/** Escapes text for an HTML attribute or element. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function hiddenFields(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n    ");
}

/** A page with a form choosing the test user to sign in as, posting `user` and `fields` to `action`. */
export function signInPage(options: {
  title: string;
  action: string;
  users: readonly TestUser[];
  selected?: TestUser;
  fields?: Readonly<Record<string, string>>;
  error?: string;
}): string {
  const choices = options.users
    .map((u) => `<option value="${escapeHtml(u.name)}"${u === options.selected ? " selected" : ""}>${escapeHtml(`${u.name} — ${u.email} (${u.groups.join(", ") || "no groups"})`)}</option>`)
    .join("\n      ");
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title></head>
<body>
  <h1>${escapeHtml(options.title)}</h1>
  ${options.error ? `<p role="alert">${escapeHtml(options.error)}</p>` : ""}
  <form method="post" action="${escapeHtml(options.action)}">
    ${hiddenFields(options.fields ?? {})}
    <label>Test user <select name="user">
      ${choices}
    </select></label>
    <button type="submit">Sign in</button>
  </form>
</body></html>
`;
}

/** A page that posts `fields` to `action` as soon as it loads (what IdPs send for HTTP-POST). */
export function autoPostPage(action: string, fields: Readonly<Record<string, string>>): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Signing in…</title></head>
<body onload="document.forms[0].submit()">
  <form method="post" action="${escapeHtml(action)}">
    ${hiddenFields(fields)}
    <noscript><button type="submit">Continue</button></noscript>
  </form>
</body></html>
`;
}

/** Writes an HTML page. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(html), "Cache-Control": "no-store" });
  res.end(html);
}

/** Reads an `application/x-www-form-urlencoded` body (at most 1 MiB). */
export function readForm(req: import("node:http").IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) {
        reject(new Error("form too large"));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))));
    req.on("error", reject);
  });
}
