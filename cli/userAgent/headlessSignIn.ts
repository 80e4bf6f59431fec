/**
 * A headless browser for one SSO sign-in: starts at the workspace's `/sso/login`, follows redirects
 * with a cookie jar, picks the test user on the IdP's sign-in form (the `user` field), submits the
 * auto-posting forms IdPs answer with (SAML HTTP-POST, OIDC form_post), and stops at the workspace's
 * answer. No JavaScript, no real browser: just what an IdP's login pages need.
 */
import { apiErrorBodySchema } from "../../provider/schemas/api";
import { loginResultSchema, type LoginResult } from "../../emulator/login/loginResult";
import { CookieJar } from "./cookieJar";
import { readFirstForm } from "./htmlForm";

/** How to sign in. */
export interface HeadlessSignInOptions {
  /** The local workspace's base URL. */
  workspaceUrl: string;
  /** The test user to pick on the IdP's sign-in form (its `user` field). */
  user: string;
  /** Passed to `/sso/login`; the workspace forwards it only when the provider's `send_login_hint` is on. */
  loginHint?: string;
  /** Whole sign-in time limit; default 15 000 ms. */
  timeoutMs?: number;
  /** Most requests followed; default 20. */
  maxSteps?: number;
  /**
   * Sees every request before it is sent, full URL and body included, and may hold it back until
   * its promise settles (tests use it to replay an answer, or to send a forged one first).
   */
  observe?: (request: { method: "GET" | "POST"; url: URL; body: string | undefined }) => void | Promise<void>;
}

/** One request of the flow (URL without its query: it may carry codes or assertions). */
export interface SignInStep {
  method: string;
  url: string;
  status: number;
}

/** How the sign-in ended: the workspace's answer, parsed. */
export type HeadlessSignInOutcome =
  | { granted: true; status: number; result: LoginResult; steps: SignInStep[] }
  | { granted: false; status: number; message: string; loginError: string | undefined; steps: SignInStep[] };

/** The flow could not be followed to the workspace's answer (the IdP misbehaved, or the user is unknown). */
export class HeadlessSignInError extends Error {
  override readonly name = "HeadlessSignInError";
  readonly code = "HEADLESS_SIGN_IN_FAILED";
}

function shown(url: URL): string {
  return url.origin + url.pathname;
}

function pageText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
}

function outcomeOf(status: number, body: unknown, steps: SignInStep[]): HeadlessSignInOutcome {
  if (status === 200) {
    const result = loginResultSchema.safeParse(body);
    if (result.success) return { granted: true, status, result: result.data, steps };
  }
  const error = apiErrorBodySchema.safeParse(body);
  if (!error.success) return { granted: false, status, message: `the workspace answered ${status} with an unexpected body`, loginError: undefined, steps };
  const info = error.data.details[0] as { metadata?: Record<string, string> } | undefined;
  return { granted: false, status, message: error.data.message, loginError: info?.metadata?.["login_error"], steps };
}

/** Signs `user` in through the workspace's configured IdP and returns the workspace's verdict. */
export async function signInHeadlessly(options: HeadlessSignInOptions): Promise<HeadlessSignInOutcome> {
  const workspace = new URL(options.workspaceUrl);
  const jar = new CookieJar();
  const steps: SignInStep[] = [];
  const signal = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  let url = new URL("/sso/login", workspace);
  if (options.loginHint !== undefined) url.searchParams.set("login_hint", options.loginHint);
  let method: "GET" | "POST" = "GET";
  let body: string | undefined;
  let pickedUser = false;

  for (let step = 0; step < (options.maxSteps ?? 20); step++) {
    const headers: Record<string, string> = { accept: "text/html, application/json;q=0.9" };
    const cookie = jar.header(url);
    if (cookie !== undefined) headers["cookie"] = cookie;
    if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    await options.observe?.({ method, url: new URL(url), body });
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, redirect: "manual", signal });
    } catch (err) {
      throw new HeadlessSignInError(`${method} ${shown(url)} failed: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
    }
    jar.store(url, response.headers.getSetCookie());
    steps.push({ method, url: shown(url), status: response.status });

    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel();
      url = new URL(location, url);
      if (response.status !== 307 && response.status !== 308) {
        method = "GET";
        body = undefined;
      }
      continue;
    }
    const type = response.headers.get("content-type") ?? "";
    if (url.origin === workspace.origin && type.includes("application/json")) {
      return outcomeOf(response.status, await response.json(), steps);
    }
    if (!type.includes("text/html")) {
      await response.body?.cancel();
      throw new HeadlessSignInError(`${method} ${shown(url)} answered ${response.status} ${type || "without a content type"}, neither a page nor the workspace's answer`);
    }
    const html = await response.text();
    const form = readFirstForm(html, url);
    if (form === undefined) throw new HeadlessSignInError(`${method} ${shown(url)} answered ${response.status} with a page without a form: ${pageText(html)}`);
    const offered = form.options.get("user");
    if (offered !== undefined || form.fields.has("user")) {
      if (pickedUser) throw new HeadlessSignInError(`the IdP asked for a user again after "${options.user}" was submitted: ${pageText(html)}`);
      if (offered !== undefined && !offered.includes(options.user)) {
        throw new HeadlessSignInError(`the IdP has no test user "${options.user}" (it offers: ${offered.join(", ")})`);
      }
      form.fields.set("user", options.user);
      pickedUser = true;
    }
    if (form.method === "POST") {
      method = "POST";
      body = form.fields.toString();
      url = form.action;
    } else {
      method = "GET";
      body = undefined;
      url = new URL(form.action);
      url.search = form.fields.toString();
    }
  }
  throw new HeadlessSignInError(`the sign-in did not reach the workspace's answer within ${options.maxSteps ?? 20} requests (${steps.map((s) => `${s.method} ${s.url} ${s.status}`).join(" → ")})`);
}
