/**
 * The cookies of one headless sign-in, as a browser keeps them: per host (ports share cookies, as
 * in browsers), with paths, expiry, and the `Secure` flag honoured. IdPs keep their login
 * transaction in cookies, so following the flow without them fails.
 */

interface Cookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expiresAt: number | undefined;
  secure: boolean;
}

function defaultPath(url: URL): string {
  const path = url.pathname;
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}

/** A cookie store for one user agent. */
export class CookieJar {
  private cookies: Cookie[] = [];

  /** Stores the `Set-Cookie` headers of a response from `url`. */
  store(url: URL, setCookieHeaders: readonly string[], now = Date.now()): void {
    for (const header of setCookieHeaders) {
      const [pair, ...attributes] = header.split(";");
      const eq = pair!.indexOf("=");
      if (eq <= 0) continue;
      const cookie: Cookie = {
        name: pair!.slice(0, eq).trim(),
        value: pair!.slice(eq + 1).trim(),
        host: url.hostname,
        path: defaultPath(url),
        expiresAt: undefined,
        secure: false,
      };
      for (const attribute of attributes) {
        const [rawKey, ...rest] = attribute.split("=");
        const key = rawKey!.trim().toLowerCase();
        const value = rest.join("=").trim();
        if (key === "path" && value.startsWith("/")) cookie.path = value;
        else if (key === "max-age" && /^-?\d+$/.test(value)) cookie.expiresAt = now + Number(value) * 1000;
        else if (key === "expires" && cookie.expiresAt === undefined && !Number.isNaN(Date.parse(value))) cookie.expiresAt = Date.parse(value);
        else if (key === "secure") cookie.secure = true;
      }
      this.cookies = this.cookies.filter((c) => !(c.name === cookie.name && c.host === cookie.host && c.path === cookie.path));
      if (cookie.expiresAt === undefined || cookie.expiresAt > now) this.cookies.push(cookie);
    }
  }

  /** The `Cookie` header for a request to `url`, or undefined when no cookie applies. */
  header(url: URL, now = Date.now()): string | undefined {
    const applicable = this.cookies
      .filter((c) => c.host === url.hostname && pathMatches(c.path, url.pathname) && (c.expiresAt === undefined || c.expiresAt > now) && (!c.secure || url.protocol === "https:"))
      .sort((a, b) => b.path.length - a.path.length);
    return applicable.length === 0 ? undefined : applicable.map((c) => `${c.name}=${c.value}`).join("; ");
  }
}
