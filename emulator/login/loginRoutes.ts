/**
 * [local] The workspace's SSO login endpoints, so a test user can really sign in:
 * - `GET /sso/login[?login_hint=]` → 302 to the configured IdP (OIDC authorization request, or a
 *   SAML AuthnRequest over HTTP-Redirect);
 * - the Login Redirect URL `/__/auth/handler` (what GET /sso/endpoints announces, and so what the
 *   IdP is told): `GET` takes the OIDC code-flow answer, `POST` the form an IdP has the browser post
 *   (SAML Response, or the OIDC implicit flow's ID token); `GET /sso/callback` and
 *   `POST /sso/callback`, `POST /sso/acs` are the same handlers under plainer names;
 * - with test hooks, `GET /_local/logins`, the login log.
 * A completed login answers `{ email, role, rule: { rank, claimName, claimValue }, protocol, claims }`;
 * a refused one a 4xx error whose ErrorInfo metadata names the case (`login_error`). Both are logged.
 */
import type { Claims } from "../../provider/schemas/claimMappings";
import type { SsoProviderRecord } from "../../provider/schemas/api";
import { ok, type Reply } from "../http/reply";
import { readFormBody } from "../http/requestBody";
import type { RouteTable } from "../http/routeTable";
import { LOGIN_HANDLER_PATH } from "../routes/ssoProvider";
import { openRoute, type RequestContext, type Route } from "../routes/context";
import { readSsoProvider, type StoredSsoProvider } from "../store/ssoProvider";
import { emailOf } from "./claims";
import { storedClientSecret } from "./clientSecretVault";
import { decideRole } from "./decideRole";
import type { LoginContext } from "./loginContext";
import { LoginError } from "./loginErrors";
import type { LoginResult } from "./loginResult";
import { oidcClientSettings, type OidcClientSettings } from "./oidc/oidcClientConfiguration";
import { finishOidcCodeLogin, finishOidcImplicitLogin, startOidcLogin } from "./oidc/oidcLogin";
import { finishSamlLogin, startSamlLogin } from "./saml/samlLogin";
import { listLogins, recordLogin } from "./store/loginRecords";

/** Where a login starts. */
export const LOGIN_START_PATH = "/sso/login";

function loginContext(ctx: RequestContext): LoginContext {
  return { db: ctx.runtime.db, workspaceUrl: ctx.runtime.url, now: ctx.now };
}

function requireProvider(ctx: RequestContext): StoredSsoProvider {
  const stored = readSsoProvider(ctx.runtime.db);
  if (stored === undefined) throw new LoginError("NO_PROVIDER", "no SSO provider is configured in this workspace; PUT /public/v1alpha/sso/provider first");
  return stored;
}

function oidcSettings(ctx: RequestContext, stored: StoredSsoProvider): OidcClientSettings {
  return oidcClientSettings(stored.record, () => {
    try {
      return storedClientSecret(ctx.runtime.vault, stored);
    } catch (err) {
      throw new LoginError("CLIENT_SECRET_UNAVAILABLE", err instanceof Error ? err.message : String(err));
    }
  });
}

function refuseDisabled(record: SsoProviderRecord): void {
  if (!record.enabled) throw new LoginError("PROVIDER_DISABLED", "the workspace's SSO provider is disabled: sign-in through it is refused (enable it to allow logins)");
}

/** Runs one login's verification, decides the role, logs the outcome, and answers. */
async function conclude(ctx: RequestContext, protocol: "oidc" | "saml", verify: () => Promise<Claims>): Promise<Reply> {
  const { db } = ctx.runtime;
  const at = new Date(ctx.now).toISOString();
  try {
    const claims = await verify();
    const email = emailOf(claims);
    const decision = decideRole(db, claims);
    if (decision.role === null) {
      const names = Object.keys(claims).sort().join(", ") || "none";
      throw new LoginError(
        "NO_MATCHING_RULE",
        `no claim-mapping rule matches ${email ?? "this identity"} (claims presented: ${names}; ${decision.ruleCount} rule(s) checked): sign-in refused, as Torq refuses a user no rule gives a role`,
        email,
      );
    }
    recordLogin(db, { at, protocol, outcome: "granted", email, role: decision.role, rule: decision.rule, reason: null, message: null });
    const result: LoginResult = { email, role: decision.role, rule: decision.rule, protocol, claims };
    return ok(result);
  } catch (err) {
    if (err instanceof LoginError) {
      recordLogin(db, { at, protocol, outcome: "refused", email: err.email, role: null, rule: null, reason: err.loginCode, message: err.message });
    }
    throw err;
  }
}

async function startLogin(ctx: RequestContext): Promise<Reply> {
  const { record } = requireProvider(ctx);
  const loginHint = ctx.query.get("login_hint") ?? undefined;
  if (!record.enabled) {
    return conclude(ctx, record.protocol, async () => {
      refuseDisabled(record);
      return {};
    });
  }
  const login = loginContext(ctx);
  const location =
    record.protocol === "oidc"
      ? await startOidcLogin(login, record, oidcSettings(ctx, requireProvider(ctx)), loginHint)
      : await startSamlLogin(login, record);
  return { status: 302, body: { location }, headers: { Location: location } };
}

async function finishRedirectLogin(ctx: RequestContext): Promise<Reply> {
  const stored = requireProvider(ctx);
  if (stored.record.protocol !== "oidc") throw new LoginError("BAD_CALLBACK", "the workspace's provider is SAML: its answer is POSTed (SAMLResponse), not sent by GET");
  return conclude(ctx, "oidc", async () => {
    refuseDisabled(stored.record);
    return finishOidcCodeLogin(loginContext(ctx), oidcSettings(ctx, stored), ctx.query);
  });
}

async function finishPostedLogin(ctx: RequestContext): Promise<Reply> {
  const form = await readFormBody(ctx.req);
  const stored = requireProvider(ctx);
  const { record } = stored;
  return conclude(ctx, record.protocol, async () => {
    refuseDisabled(record);
    if (record.protocol === "saml") return finishSamlLogin(loginContext(ctx), record, form);
    return finishOidcImplicitLogin(loginContext(ctx), oidcSettings(ctx, stored), form);
  });
}

async function loginLog(ctx: RequestContext): Promise<Reply> {
  return ok({ logins: listLogins(ctx.runtime.db) });
}

/** Adds the login routes to `table`, and the login log when test hooks are on. */
export function addLoginRoutes(table: RouteTable<Route>, options: { testHooks: boolean }): void {
  table
    .add("GET", LOGIN_START_PATH, openRoute(startLogin))
    .add("GET", LOGIN_HANDLER_PATH, openRoute(finishRedirectLogin))
    .add("POST", LOGIN_HANDLER_PATH, openRoute(finishPostedLogin))
    .add("GET", "/sso/callback", openRoute(finishRedirectLogin))
    .add("POST", "/sso/callback", openRoute(finishPostedLogin))
    .add("POST", "/sso/acs", openRoute(finishPostedLogin));
  if (options.testHooks) table.add("GET", "/_local/logins", openRoute(loginLog));
}
