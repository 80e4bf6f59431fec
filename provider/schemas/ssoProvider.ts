/**
 * The inputs and outputs of `torq.SsoProvider` (the workspace's one SSO provider) and
 * `torq.SsoEnforcement` (SSO-only login).
 */
import { z } from "zod";
import { GRANT_TYPES, IDENTITY_PROVIDERS, SSO_PROTOCOLS } from "./api";
import { breakGlassOwnerSchema } from "./claimMappings";

export const DEFAULT_OIDC_SCOPES = ["openid", "email", "profile"];

export const ssoProviderInputsSchema = z.object({
  protocol: z.enum(SSO_PROTOCOLS).describe("`saml` or `oidc`."),
  identityProvider: z
    .enum(IDENTITY_PROVIDERS)
    .default("other")
    .describe("The IdP product, for hints about its usual shape: okta, entra-id, onelogin, jumpcloud, google or other."),
  enabled: z.boolean().default(true).describe("Whether users may sign in through this provider. Default `true`."),
  signOnUrl: z.string().optional().describe("SAML: the IdP endpoint users are sent to (HTTP-Redirect binding preferred)."),
  issuer: z.string().optional().describe("SAML: the IdP's entity ID."),
  certificate: z.string().optional().describe("SAML: the IdP's signing certificate, PEM or bare base64 DER; normalised to PEM."),
  metadataXml: z.string().optional().describe("SAML: IdP metadata XML, from which signOnUrl, issuer and certificate are derived (explicit fields win)."),
  metadataUrl: z.string().optional().describe("SAML: where to fetch the IdP metadata (https), read at preview."),
  metadataEntityId: z.string().optional().describe("SAML: which entity of multi-entity metadata to use."),
  issuerUrl: z.string().optional().describe("OIDC: the issuer URL."),
  clientId: z.string().optional().describe("OIDC: the client ID the IdP assigned."),
  clientSecret: z.string().optional().describe("OIDC: the client secret; always stored as a Pulumi secret, never returned by the workspace."),
  scopes: z.array(z.string()).optional().describe("OIDC: requested scopes. Default `[\"openid\",\"email\",\"profile\"]`."),
  grantType: z.enum(GRANT_TYPES).optional().describe("OIDC: `code` (default) or `implicit`."),
  sendLoginHint: z.boolean().optional().describe("OIDC: send the user's e-mail as a login hint. Default `false`."),
  overwriteExisting: z
    .boolean()
    .optional()
    .describe(
      "Let this resource take over a workspace that already has an SSO provider with other settings: they are replaced by the declared ones. Default `false`: creating the resource over such a workspace is refused at preview, which shows the live values.",
    ),
  allowLockout: z
    .boolean()
    .optional()
    .describe(
      "Apply a change of the provider's identity (protocol, issuer, sign-on URL, client ID, or a certificate the IdP's metadata does not list) while SSO-only login is enforced, which the lockout guard otherwise refuses. Default `false`.",
    ),
});
export type SsoProviderInputs = z.output<typeof ssoProviderInputsSchema>;

export const ssoProviderOutputsSchema = z.object({
  loginRedirectUrl: z.string().describe("Where the IdP sends users back (Torq's Login Redirect URL)."),
  audience: z.string().describe("The audience / SP entity ID the IdP must use."),
  certificateFingerprint: z.string().optional().describe("SHA-256 fingerprint of the SAML certificate, colon-separated upper-case hex."),
  certificateNotAfter: z.string().optional().describe("When the SAML certificate expires (ISO 8601)."),
});

export const ssoEnforcementInputsSchema = z.object({
  ssoOnly: z.boolean().describe("Whether users may sign in only through SSO."),
  breakGlassOwners: z
    .array(breakGlassOwnerSchema)
    .optional()
    .describe("Owners whose claims are declared, as on ClaimMappings (the SDK passes the `claimMappings` resource's): SSO-only login is allowed when one of them is sure to get Owner."),
  ssoProviderEnabled: z
    .boolean()
    .optional()
    .describe("Set by the SDK from the `ssoProvider` resource: its `enabled`, unknown at preview while the provider changes in the same update (the guard then runs at apply)."),
  claimMappingsApplied: z
    .boolean()
    .optional()
    .describe("Set by the SDK from the `claimMappings` resource: false at preview while its rules change in the same update (the guard then runs at apply)."),
});
export type SsoEnforcementInputs = z.output<typeof ssoEnforcementInputsSchema>;
