/**
 * The URL rule for everything the provider sends users or requests to: https, or http only for a
 * loopback host (a local IdP or workspace in development and tests).
 */
import { isIP } from "node:net";

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/** Undefined when acceptable; otherwise the reason, naming nothing but the rule. */
export function secureUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  // Credentials in a URL end up in logs and error messages; they have their own settings.
  if (url.username || url.password) return "must not contain a user name or password (user:password@host); give credentials in their own settings";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined;
  if (url.protocol === "http:") return "must be an https URL (http is allowed only for loopback hosts)";
  return `must be an https URL, not ${url.protocol.replace(/:$/, "")}`;
}
