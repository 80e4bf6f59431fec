/**
 * OpenID Connect sign-in with openid-client: the authorization request (code flow with PKCE, state
 * and nonce; or the implicit flow, `response_type=id_token` posted back with `response_mode=form_post`)
 * and the answer's validation: state looked up, code exchanged with the verifier, ID token checked
 * (issuer, audience, signature, nonce, expiry) by openid-client; UserInfo fills in claims the ID
 * token leaves out. Only an answer that validated takes its state (once, atomically): a forged
 * answer carrying a genuine state — a bad code, a bad ID token, a made-up IdP error — is refused
 * without using the state up, so the genuine answer that follows still signs the user in.
 */
import * as oidc from "openid-client";
import type { Claims } from "../../../provider/schemas/claimMappings";
import type { SsoProviderRecord } from "../../../provider/schemas/api";
import { normaliseOidcClaims } from "../claims";
import { loginRedirectUrl, type LoginContext } from "../loginContext";
import { LoginError } from "../loginErrors";
import { findLoginRequest, saveLoginRequest, takeLoginRequest, type LoginRequest } from "../store/loginRequests";
import { describeOidcError, oidcConfiguration, type OidcClientSettings } from "./oidcClientConfiguration";

/** The IdP URL to send the user to. `loginHint` is forwarded only when the provider's `send_login_hint` is on. */
export async function startOidcLogin(
  ctx: LoginContext,
  record: SsoProviderRecord,
  settings: OidcClientSettings,
  loginHint: string | undefined,
): Promise<string> {
  const configuration = await oidcConfiguration(settings, ctx.now);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const parameters: Record<string, string> = {
    redirect_uri: loginRedirectUrl(ctx),
    scope: (record.scopes ?? ["openid"]).join(" "),
    state,
    nonce,
  };
  let codeVerifier: string | null = null;
  if (settings.grantType === "code") {
    codeVerifier = oidc.randomPKCECodeVerifier();
    parameters["code_challenge"] = await oidc.calculatePKCECodeChallenge(codeVerifier);
    parameters["code_challenge_method"] = "S256";
  } else {
    // The ID token comes back in a form the browser posts, not in a fragment only a script could read.
    parameters["response_mode"] = "form_post";
  }
  if (record.send_login_hint === true && loginHint !== undefined && loginHint !== "") parameters["login_hint"] = loginHint;
  saveLoginRequest(ctx.db, { id: state, protocol: "oidc", nonce, codeVerifier, createdAt: ctx.now });
  return oidc.buildAuthorizationUrl(configuration, parameters).href;
}

function stateReplayed(usedAt: number): LoginError {
  return new LoginError("OIDC_STATE_REPLAYED", `the answer's state belongs to a login already completed at ${new Date(usedAt).toISOString()}: replayed answer refused`);
}

function stateExpired(): LoginError {
  return new LoginError("OIDC_STATE_EXPIRED", "the login this answer belongs to was started more than 10 minutes ago; start again");
}

function stateUnknown(): LoginError {
  return new LoginError("OIDC_STATE_UNKNOWN", "the answer's state matches no login this workspace started (forged, or from another workspace)");
}

/** The pending request this answer's `state` belongs to; looked up, not taken (see takeState). */
function pendingState(ctx: LoginContext, state: string | null): LoginRequest {
  if (state === null || state === "") throw new LoginError("BAD_CALLBACK", "the IdP's answer has no state parameter");
  const found = findLoginRequest(ctx.db, "oidc", state, ctx.now);
  switch (found.status) {
    case "pending":
      return found.request;
    case "unknown":
      throw stateUnknown();
    case "used":
      throw stateReplayed(found.usedAt);
    case "expired":
      throw stateExpired();
  }
}

/**
 * Takes the state of an answer that has validated, in one atomic write: of two valid answers to one
 * login (a replay racing the original), only the first gets past here.
 */
function takeState(ctx: LoginContext, request: LoginRequest): void {
  const taken = takeLoginRequest(ctx.db, "oidc", request.id, ctx.now);
  switch (taken.status) {
    case "fresh":
      return;
    case "unknown":
      throw stateUnknown();
    case "used":
      throw stateReplayed(taken.usedAt);
    case "expired":
      throw stateExpired();
  }
}

/** An error the IdP sent back instead of a code or token (`error`, `error_description`). */
function refuseIdpError(params: URLSearchParams): void {
  const error = params.get("error");
  if (error === null) return;
  const description = params.get("error_description");
  throw new LoginError("OIDC_IDP_ERROR", `the IdP refused the sign-in: ${error.slice(0, 100)}${description ? ` (${description.slice(0, 200)})` : ""}`);
}

async function claimsWithUserInfo(
  configuration: oidc.Configuration,
  idTokenClaims: Readonly<Record<string, unknown>> & { sub: string },
  accessToken: string | undefined,
): Promise<Claims> {
  let userInfo: Record<string, unknown> = {};
  if (accessToken !== undefined && configuration.serverMetadata().userinfo_endpoint !== undefined) {
    userInfo = await oidc.fetchUserInfo(configuration, accessToken, idTokenClaims.sub);
  }
  // The ID token is signed: where both carry a claim, its value wins.
  return normaliseOidcClaims({ ...userInfo, ...idTokenClaims });
}

/** Validates a code-flow answer (`GET <redirect>?code&state`) and returns the identity's claims. */
export async function finishOidcCodeLogin(ctx: LoginContext, settings: OidcClientSettings, query: URLSearchParams): Promise<Claims> {
  const request = pendingState(ctx, query.get("state"));
  refuseIdpError(query);
  if (settings.grantType !== "code" || request.codeVerifier === null) {
    throw new LoginError("PROVIDER_CHANGED", "the provider's grant type changed while this login was under way; start again");
  }
  const configuration = await oidcConfiguration(settings, ctx.now);
  // openid-client derives the token request's redirect_uri from this URL: always the announced one.
  const current = new URL(loginRedirectUrl(ctx));
  current.search = query.toString();
  try {
    const tokens = await oidc.authorizationCodeGrant(configuration, current, {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.id,
      expectedNonce: request.nonce ?? undefined,
      idTokenExpected: true,
    });
    const claims = await claimsWithUserInfo(configuration, tokens.claims()!, tokens.access_token);
    takeState(ctx, request);
    return claims;
  } catch (err) {
    if (err instanceof LoginError) throw err;
    throw new LoginError("OIDC_INVALID_RESPONSE", `the IdP's answer did not validate: ${describeOidcError(err)}`);
  }
}

/** Validates an implicit-flow answer (the form the IdP has the browser POST) and returns the identity's claims. */
export async function finishOidcImplicitLogin(ctx: LoginContext, settings: OidcClientSettings, form: URLSearchParams): Promise<Claims> {
  const request = pendingState(ctx, form.get("state"));
  refuseIdpError(form);
  if (settings.grantType !== "implicit" || request.nonce === null) {
    throw new LoginError("PROVIDER_CHANGED", "the provider's grant type changed while this login was under way; start again");
  }
  const configuration = await oidcConfiguration(settings, ctx.now);
  const answer = new Request(loginRedirectUrl(ctx), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  let idToken: oidc.IDToken;
  try {
    idToken = await oidc.implicitAuthentication(configuration, answer, request.nonce, { expectedState: request.id });
  } catch (err) {
    throw new LoginError("OIDC_INVALID_RESPONSE", `the IdP's answer did not validate: ${describeOidcError(err)}`);
  }
  takeState(ctx, request);
  return normaliseOidcClaims(idToken);
}
