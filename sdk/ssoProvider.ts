/**
 * `torq.SsoProvider`: the workspace's one SSO provider (SAML 2.0 or OpenID Connect), and
 * `torq.SsoEnforcement`: SSO-only login, refused unless an enabled provider and a reachable owner
 * e-mail rule exist.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { ssoProviderInputsSchema } from "../provider/schemas/ssoProvider";
import type { ClaimMappings } from "./claimMappings";
import type { ResourceArgs } from "./inputs";
import { protectedByDefault } from "./protection";
import { providerShim } from "./shim";
import { sealSecret } from "../provider/sealedSecret";

/**
 * The arguments of `SsoProvider`, as declared in provider/schemas/ssoProvider.ts: `protocol`
 * (`saml`/`oidc`), `identityProvider`, `enabled`; SAML `signOnUrl`, `issuer`, `certificate` or
 * `metadataXml`/`metadataUrl`/`metadataEntityId`; OIDC `issuerUrl`, `clientId`, `clientSecret`
 * (always kept secret), `scopes`, `grantType`, `sendLoginHint`; and the opt-ins `overwriteExisting`
 * and `allowLockout`.
 */
export type SsoProviderArgs = ResourceArgs<z.input<typeof ssoProviderInputsSchema>>;

/**
 * The workspace's one SSO provider. The client secret is always a Pulumi secret; the provider keeps
 * only a keyed digest of it in its outputs, to see a rotation at preview. Protected by default:
 * removing it from the program fails at preview until `protect: false` is set.
 */
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
    // Every property is named here, even when not given: the Pulumi SDK only creates an output for
    // a key present in the props, so a defaulted input (enabled, scopes…) would otherwise read as
    // undefined on the resource.
    const props: Record<keyof SsoProviderArgs | ComputedOutput, unknown> = {
      protocol: args.protocol,
      identityProvider: args.identityProvider,
      enabled: args.enabled,
      signOnUrl: args.signOnUrl,
      issuer: args.issuer,
      certificate: args.certificate,
      metadataXml: args.metadataXml,
      metadataUrl: args.metadataUrl,
      metadataEntityId: args.metadataEntityId,
      issuerUrl: args.issuerUrl,
      clientId: args.clientId,
      clientSecret: args.clientSecret === undefined ? undefined : pulumi.secret(pulumi.output(args.clientSecret).apply(sealForProvider)),
      scopes: args.scopes,
      grantType: args.grantType,
      sendLoginHint: args.sendLoginHint,
      overwriteExisting: args.overwriteExisting,
      allowLockout: args.allowLockout,
      loginRedirectUrl: undefined,
      audience: undefined,
      certificateFingerprint: undefined,
      certificateNotAfter: undefined,
    };
    super(
      providerShim("ssoProvider"),
      name,
      props,
      { ...protectedByDefault(opts), additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "clientSecret", "clientSecretDigest"] },
      "torq",
      "SsoProvider",
    );
  }
}

/**
 * The client secret as it travels to the provider: sealed under the stack's API key secret, so that
 * Pulumi's debug logs, which print what the engine echoes back, never show it (provider/sealedSecret.ts).
 * Without an API key secret in this program's config or environment it travels as it is (still a secret).
 */
function sealForProvider(secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined;
  const apiKeySecret = pulumi.runtime.getConfig("torq:clientSecret") ?? process.env["TORQ_CLIENT_SECRET"];
  return apiKeySecret ? sealSecret(secret, apiKeySecret) : secret;
}

/** The outputs the provider computes (never inputs), so they are unknown in a preview while the provider changes. */
type ComputedOutput = "loginRedirectUrl" | "audience" | "certificateFingerprint" | "certificateNotAfter";

export interface SsoEnforcementArgs {
  /** Whether users may sign in only through SSO. */
  ssoOnly: pulumi.Input<boolean>;
  /** The provider that must exist first; makes the order explicit and defers the guard to apply while it changes. */
  ssoProvider?: SsoProvider;
  /** The rules that must exist first; as above. Their `breakGlassOwners` are what the guard knows of the owners' claims. */
  claimMappings?: ClaimMappings;
}

/**
 * SSO-only login for the workspace. Deleting it turns SSO-only login off. Pass `ssoProvider` and
 * `claimMappings` when they are declared in the same program: they are then applied first, and a
 * preview in which they change leaves the lockout guard to apply, where it sees their final state.
 */
export class SsoEnforcement extends pulumi.dynamic.Resource {
  declare public readonly ssoOnly: pulumi.Output<boolean>;

  constructor(name: string, args: SsoEnforcementArgs, opts?: pulumi.CustomResourceOptions) {
    const after = [args.ssoProvider, args.claimMappings].filter((r): r is NonNullable<typeof r> => r !== undefined);
    super(
      providerShim("ssoEnforcement"),
      name,
      {
        ssoOnly: args.ssoOnly,
        breakGlassOwners: args.claimMappings?.breakGlassOwners,
        ...pendingSignals(args),
      },
      withDependencies(opts, after),
      "torq",
      "SsoEnforcement",
    );
  }
}

/**
 * What tells the provider's preview that the SSO provider or the rules change in this same update, so
 * their final state is not visible yet and the lockout guard must run at apply instead.
 *
 * A dynamic provider does not preview its creates and updates: the engine hands back the *inputs* as
 * the outputs. So `ssoProvider.enabled` is known even while the provider is being created; its
 * computed `loginRedirectUrl` is not, which makes the pair unknown exactly while it changes. Rules
 * have no computed-only output, but the applied ones carry an `id` and the previewed ones do not.
 */
export function pendingSignals(args: EnforcementDependencies): { ssoProviderEnabled?: pulumi.Output<boolean | undefined>; claimMappingsApplied?: pulumi.Output<boolean> } {
  const signals: { ssoProviderEnabled?: pulumi.Output<boolean | undefined>; claimMappingsApplied?: pulumi.Output<boolean> } = {};
  if (args.ssoProvider) {
    signals.ssoProviderEnabled = pulumi.all([args.ssoProvider.enabled, args.ssoProvider.loginRedirectUrl]).apply(([enabled]) => enabled);
  }
  if (args.claimMappings) {
    signals.claimMappingsApplied = args.claimMappings.mappings.apply((rules) => rules.every((rule) => typeof rule.id === "string" && rule.id !== ""));
  }
  return signals;
}

/** What SsoEnforcement reads of the resources it follows: this SDK's, or those of `pulumi-torq-sso/plugin`. */
export interface EnforcementDependencies {
  ssoProvider?: { enabled: pulumi.Output<boolean | undefined>; loginRedirectUrl: pulumi.Output<string> };
  claimMappings?: { mappings: pulumi.Output<{ id?: string }[]> };
}

/** The options with `extra` added to `dependsOn`. */
export function withDependencies(opts: pulumi.CustomResourceOptions | undefined, extra: pulumi.Resource[]): pulumi.CustomResourceOptions | undefined {
  if (extra.length === 0) return opts;
  const existing = opts?.dependsOn;
  const list: pulumi.Input<pulumi.Resource>[] = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing as pulumi.Input<pulumi.Resource>];
  return { ...opts, dependsOn: [...list, ...extra] };
}
