/**
 * pulumi-torq-sso: Single Sign-On for a Torq workspace, declared as code.
 *
 * ```ts
 * import * as torq from "pulumi-torq-sso";
 * new torq.ClaimMappings("rules", { mappings: [{ claimName: "email", claimValue: "owner@example.com", role: "Owner" }] });
 * ```
 */
export { ClaimMappings, type ClaimMappingsArgs } from "./claimMappings";
export { SsoProvider, SsoEnforcement, type SsoProviderArgs, type SsoEnforcementArgs } from "./ssoProvider";
export { getSsoEndpoints, TORQ_SSO_ENDPOINTS, type SsoEndpoints } from "./endpoints";
export { evaluateClaims } from "../provider/lockout/evaluate";
export type { AppliedClaimRule, BreakGlassOwner, ClaimRule, Claims, Expectation, OwnerIdentity } from "../provider/schemas/claimMappings";
