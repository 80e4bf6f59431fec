/**
 * `pulumi-torq-sso/plugin`: the same TypeScript API as `pulumi-torq-sso`, served by the resource
 * provider plugin `pulumi-resource-torq` instead of the dynamic provider. Moving a TypeScript program
 * to the plugin is this one import: the classes are the SDK generated from schema.json
 * (sdk-gen/nodejs, `@pulumi-torq-sso/torq`) with what this package's classes add on top: protected
 * by default, and `SsoEnforcement` ordered after (and guarded with) the `ssoProvider` and
 * `claimMappings` passed to it.
 *
 * ```ts
 * import * as torq from "pulumi-torq-sso/plugin";
 * new torq.ClaimMappings("rules", { mappings: [{ claimName: "email", claimValue: "owner@example.com", role: "Owner" }] });
 * ```
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as generated from "@pulumi-torq-sso/torq";
import type { ClaimMappingsArgs } from "./claimMappings";
import type { SsoEndpoints } from "../provider/ssoEndpoints";
import { protectedByDefault } from "./protection";
import { pendingSignals, withDependencies, type SsoProviderArgs } from "./ssoProvider";

// The generated SDK, compiled by `make build` into dist/sdk-gen/nodejs (its types come from there
// through tsconfig's `paths`): loaded by path, since it is part of this package, not a dependency.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const torq = require("../sdk-gen/nodejs") as typeof generated;

/** The workspace's ordered claim-mapping list, served by the plugin. Protected by default. */
export class ClaimMappings extends torq.ClaimMappings {
  constructor(name: string, args: ClaimMappingsArgs, opts?: pulumi.CustomResourceOptions) {
    // The generated arguments type an expectation's `role: null` as absent; the plugin takes both.
    super(name, args as generated.ClaimMappingsArgs, protectedByDefault(opts));
  }
}

/** The workspace's one SSO provider, served by the plugin. The client secret stays a Pulumi secret. Protected by default. */
export class SsoProvider extends torq.SsoProvider {
  constructor(name: string, args: SsoProviderArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args as generated.SsoProviderArgs, protectedByDefault(opts));
  }
}

export interface SsoEnforcementArgs {
  /** Whether users may sign in only through SSO. */
  ssoOnly: pulumi.Input<boolean>;
  /** The provider that must exist first; makes the order explicit and defers the guard to apply while it changes. */
  ssoProvider?: SsoProvider;
  /** The rules that must exist first; as above. Their `breakGlassOwners` are what the guard knows of the owners' claims. */
  claimMappings?: ClaimMappings;
}

/** SSO-only login, served by the plugin; as `pulumi-torq-sso`'s `SsoEnforcement`. */
export class SsoEnforcement extends torq.SsoEnforcement {
  constructor(name: string, args: SsoEnforcementArgs, opts?: pulumi.CustomResourceOptions) {
    const after = [args.ssoProvider, args.claimMappings].filter((r): r is NonNullable<typeof r> => r !== undefined);
    super(name, { ssoOnly: args.ssoOnly, breakGlassOwners: args.claimMappings?.breakGlassOwners, ...pendingSignals(args) }, withDependencies(opts, after));
  }
}

/** What the IdP application must be told, answered by the plugin (`torq:index:getSsoEndpoints`). */
export async function getSsoEndpoints(): Promise<SsoEndpoints> {
  const { loginRedirectUrl, audience } = await torq.getSsoEndpoints();
  return { loginRedirectUrl, audience };
}

export type { ClaimMappingsArgs } from "./claimMappings";
export type { SsoProviderArgs } from "./ssoProvider";
export { TORQ_SSO_ENDPOINTS, type SsoEndpoints } from "../provider/ssoEndpoints";
export { evaluateClaims } from "../provider/lockout/evaluate";
export type { AppliedClaimRule, BreakGlassOwner, ClaimRule, Claims, Expectation, OwnerIdentity } from "../provider/schemas/claimMappings";
/** The generated SDK itself, e.g. for an explicit `new generated.Provider(...)`. */
export { torq as generated };
