/**
 * `torq.SsoProvider`: the workspace's one SSO provider (SAML 2.0 or OpenID Connect), and
 * `torq.SsoEnforcement`: SSO-only login, refused unless an enabled provider and a reachable owner
 * e-mail rule exist.
 */
import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./shim";
import type { ClaimMappings } from "./claimMappings";

export interface SsoProviderArgs {
  protocol: pulumi.Input<"saml" | "oidc">;
  identityProvider?: pulumi.Input<"okta" | "entra-id" | "onelogin" | "jumpcloud" | "google" | "other">;
  enabled?: pulumi.Input<boolean>;
  /** SAML: the IdP's sign-on URL. */
  signOnUrl?: pulumi.Input<string>;
  /** SAML: the IdP's entity ID. */
  issuer?: pulumi.Input<string>;
  /** SAML: the IdP's signing certificate, PEM or bare base64 DER. */
  certificate?: pulumi.Input<string>;
  /** SAML: IdP metadata XML; signOnUrl, issuer and certificate are derived from it unless given. */
  metadataXml?: pulumi.Input<string>;
  /** SAML: where to fetch IdP metadata (https). */
  metadataUrl?: pulumi.Input<string>;
  /** SAML: which entity of multi-entity metadata to use. */
  metadataEntityId?: pulumi.Input<string>;
  /** OIDC: the issuer URL. */
  issuerUrl?: pulumi.Input<string>;
  /** OIDC: the client ID. */
  clientId?: pulumi.Input<string>;
  /** OIDC: the client secret; always stored as a Pulumi secret. */
  clientSecret?: pulumi.Input<string>;
  /** OIDC: default ["openid", "email", "profile"]. */
  scopes?: pulumi.Input<pulumi.Input<string>[]>;
  /** OIDC: "code" (default) or "implicit". */
  grantType?: pulumi.Input<"code" | "implicit">;
  /** OIDC: send the user's e-mail as a login hint. Default false. */
  sendLoginHint?: pulumi.Input<boolean>;
}

export class SsoProvider extends pulumi.dynamic.Resource {
  declare public readonly protocol: pulumi.Output<"saml" | "oidc">;
  declare public readonly identityProvider: pulumi.Output<string>;
  declare public readonly enabled: pulumi.Output<boolean>;
  declare public readonly signOnUrl: pulumi.Output<string | undefined>;
  declare public readonly issuer: pulumi.Output<string | undefined>;
  declare public readonly certificate: pulumi.Output<string | undefined>;
  declare public readonly issuerUrl: pulumi.Output<string | undefined>;
  declare public readonly clientId: pulumi.Output<string | undefined>;
  declare public readonly scopes: pulumi.Output<string[] | undefined>;
  declare public readonly grantType: pulumi.Output<string | undefined>;
  declare public readonly sendLoginHint: pulumi.Output<boolean | undefined>;
  /** Where the IdP sends users back (Torq's Login Redirect URL). */
  declare public readonly loginRedirectUrl: pulumi.Output<string>;
  /** The audience / SP entity ID the IdP must use. */
  declare public readonly audience: pulumi.Output<string>;
  /** SAML: SHA-256 fingerprint of the certificate, colon-separated upper-case hex. */
  declare public readonly certificateFingerprint: pulumi.Output<string | undefined>;
  /** SAML: when the certificate expires (ISO 8601). */
  declare public readonly certificateNotAfter: pulumi.Output<string | undefined>;

  constructor(name: string, args: SsoProviderArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ssoProvider"),
      name,
      {
        ...args,
        clientSecret: args.clientSecret === undefined ? undefined : pulumi.secret(args.clientSecret),
        loginRedirectUrl: undefined,
        audience: undefined,
        certificateFingerprint: undefined,
        certificateNotAfter: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "clientSecret", "clientSecretDigest"] },
      "torq",
      "SsoProvider",
    );
  }
}

export interface SsoEnforcementArgs {
  /** Whether users may sign in only through SSO. */
  ssoOnly: pulumi.Input<boolean>;
  /** The provider that must exist first; makes the order explicit and defers the guard to apply while it changes. */
  ssoProvider?: SsoProvider;
  /** The rules that must exist first; as above. */
  claimMappings?: ClaimMappings;
}

export class SsoEnforcement extends pulumi.dynamic.Resource {
  declare public readonly ssoOnly: pulumi.Output<boolean>;

  constructor(name: string, args: SsoEnforcementArgs, opts?: pulumi.CustomResourceOptions) {
    const after = [args.ssoProvider, args.claimMappings].filter((r): r is NonNullable<typeof r> => r !== undefined);
    super(
      providerShim("ssoEnforcement"),
      name,
      {
        ssoOnly: args.ssoOnly,
        // Unknown while those resources change in the same update, which tells the provider to guard at apply.
        ssoProviderEnabled: args.ssoProvider?.enabled,
        claimMappingsApplied: args.claimMappings?.mappings.apply((m) => m.length),
      },
      withDependencies(opts, after),
      "torq",
      "SsoEnforcement",
    );
  }
}

function withDependencies(opts: pulumi.CustomResourceOptions | undefined, extra: pulumi.Resource[]): pulumi.CustomResourceOptions | undefined {
  if (extra.length === 0) return opts;
  const existing = opts?.dependsOn;
  const list: pulumi.Input<pulumi.Resource>[] = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing as pulumi.Input<pulumi.Resource>];
  return { ...opts, dependsOn: [...list, ...extra] };
}
