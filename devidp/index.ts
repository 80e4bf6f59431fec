/**
 * The dev identity providers: a real OpenID Connect provider (oidc-provider) and a SAML 2.0 IdP
 * (xml-crypto signatures), both on loopback, both signing the test users in without a password.
 * For tests, the bench and `make demo` only: this folder is not part of the published package.
 */
import { randomBytes } from "node:crypto";
import { startOidcIdp, type OidcIdp } from "./oidc/startOidcIdp";
import { startSamlIdp, type SamlIdp } from "./saml/startSamlIdp";
import { DEFAULT_TEST_USERS, type TestUser } from "./users";

export { startOidcIdp, type OidcIdp, type OidcIdpOptions, type OidcClientRegistration } from "./oidc/startOidcIdp";
export { startSamlIdp, type SamlIdp, type SamlIdpOptions } from "./saml/startSamlIdp";
export { buildSamlResponse, signElement, userAttributes, type SamlResponseOptions } from "./saml/samlResponse";
export { newSigningIdentity, selfSignedCertificate, type SigningIdentity } from "./saml/selfSignedCertificate";
export { readRedirectAuthnRequest, type AuthnRequestSummary } from "./saml/authnRequest";
export { DEFAULT_TEST_USERS, findTestUser, type TestUser } from "./users";

/** How to start both IdPs. */
export interface DevIdpsOptions {
  /** The workspace's Login Redirect URL (GET /sso/endpoints), registered with the OIDC client. */
  redirectUri: string;
  /** The OIDC client; default id `torq-local`, a random secret. */
  clientId?: string;
  clientSecret?: string;
  users?: readonly TestUser[];
  oidcPort?: number;
  samlPort?: number;
}

/** Both IdPs, running. */
export interface DevIdps {
  readonly oidc: OidcIdp;
  readonly saml: SamlIdp;
  readonly users: readonly TestUser[];
  close(): Promise<void>;
}

/** Starts the dev OIDC and SAML IdPs on loopback. */
export async function startDevIdps(options: DevIdpsOptions): Promise<DevIdps> {
  const users = options.users ?? DEFAULT_TEST_USERS;
  const oidc = await startOidcIdp({
    client: { clientId: options.clientId ?? "torq-local", clientSecret: options.clientSecret ?? `dev_${randomBytes(24).toString("base64url")}`, redirectUris: [options.redirectUri] },
    users,
    port: options.oidcPort,
  });
  let saml: SamlIdp;
  try {
    saml = await startSamlIdp({ users, port: options.samlPort });
  } catch (err) {
    await oidc.close();
    throw err;
  }
  return {
    oidc,
    saml,
    users,
    close: async () => {
      await Promise.all([oidc.close(), saml.close()]);
    },
  };
}
