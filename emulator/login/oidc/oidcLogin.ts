/**
 * OpenID Connect sign-in with openid-client: the authorization request (code flow with PKCE, state
 * and nonce; or the implicit flow, `response_type=id_token` posted back with `response_mode=form_post`)
 * and the answer's validation: state taken once, code exchanged with the verifier, ID token checked
 * (issuer, audience, signature, nonce, expiry) by openid-client; UserInfo fills in claims the ID
 * token leaves out.
 */
import * as oidc from "openid-client";
import type { Claims } from "../../../provider/schemas/claimMappings";
import type { SsoProviderRecord } from "../../../provider/schemas/api";
import { normaliseOidcClaims } from "../claims";
import { loginRedirectUrl, type LoginContext } from "../loginContext";
import { LoginError } from "../loginErrors";
import { saveLoginRequest, takeLoginRequest, type LoginRequest } from "../store/loginRequests";
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

/** The request this answer's `state` belongs to, taken so it cannot be answered twice. */
function takeState(ctx: LoginContext, state: string | null): LoginRequest {
  if (state === null || state === "") throw new LoginError("BAD_CALLBACK", "the IdP's answer has no state parameter");
  const taken = takeLoginRequest(ctx.db, "oidc", state, ctx.now);
  switch (taken.status) {
    case "fresh":
      return taken.request;
    case "unknown":
      throw new LoginError("OIDC_STATE_UNKNOWN", "the answer's state matches no login this workspace started (forged, or from another workspace)");
    case "used":
      throw new LoginError("OIDC_STATE_REPLAYED", `the answer's state belongs to a login already completed at ${new Date(taken.usedAt).toISOString()}: replayed answer refused`);
    case "expired":
      throw new LoginError("OIDC_STATE_EXPIRED", "the login this answer belongs to was started more than 10 minutes ago; start again");
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
  const request = takeState(ctx, query.get("state"));
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
    return await claimsWithUserInfo(configuration, tokens.claims()!, tokens.access_token);
  } catch (err) {
    if (err instanceof LoginError) throw err;
    throw new LoginError("OIDC_INVALID_RESPONSE", `the IdP's answer did not validate: ${describeOidcError(err)}`);
  }
}

/** Validates an implicit-flow answer (the form the IdP has the browser POST) and returns the identity's claims. */
export async function finishOidcImplicitLogin(ctx: LoginContext, settings: OidcClientSettings, form: URLSearchParams): Promise<Claims> {
  const request = takeState(ctx, form.get("state"));
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
  try {
    const idToken = await oidc.implicitAuthentication(configuration, answer, request.nonce, { expectedState: request.id });
    return normaliseOidcClaims(idToken);
  } catch (err) {
    throw new LoginError("OIDC_INVALID_RESPONSE", `the IdP's answer did not validate: ${describeOidcError(err)}`);
  }
}
