/**
 * The inputs and outputs of `torq.ClaimMappings`: the workspace's whole, ordered claim-mapping list.
 */
import { z } from "zod";

/** Torq's preset role that may administer the workspace, and so the one the lockout guard protects. */
export const OWNER_ROLE = "Owner";

/** The claim whose mappings to `Owner` keep the owners able to sign in. */
export const EMAIL_CLAIM = "email";

export const claimRuleSchema = z
  .object({
    claimName: z.string().describe("The claim the IdP sends, e.g. `email` or `groups` (case-sensitive)."),
    claimValue: z.string().describe("The value the claim must equal (case-sensitive); for a list-valued claim, any element."),
    role: z.string().describe("The Torq role name to give, as the workspace lists it (e.g. `Owner`, `Viewer`)."),
  })
  .describe("One claim-mapping rule.")
  .meta({ id: "ClaimRule" });
/** One rule of the ordered list, as the user declares it (role by name). */
export type ClaimRule = z.output<typeof claimRuleSchema>;

/** The claims an identity presents: one value or a list per claim name. */
export const claimsSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
export type Claims = z.output<typeof claimsSchema>;

export const expectationSchema = z
  .object({
    claims: claimsSchema.describe("The identity's claims, e.g. `{ email: \"a@x.io\", groups: [\"sre\"] }`."),
    role: z.string().nullable().describe("The role it must get; `null` when no rule may match."),
  })
  .describe("An identity whose resulting role is checked at preview.")
  .meta({ id: "Expectation" });
export type Expectation = z.output<typeof expectationSchema>;

export const ownerIdentitySchema = z
  .strictObject({
    email: z.string().describe("The address the owner signs in with."),
    groups: z.array(z.string()).optional().describe("Every group the IdP sends for the owner (the guard then knows it exactly)."),
    claims: z
      .record(z.string(), z.union([z.string(), z.array(z.string())]))
      .optional()
      .describe("Any other claims the IdP sends for the owner, e.g. `{ department: \"it\" }`."),
  })
  .refine((identity) => !identity.claims || !(EMAIL_CLAIM in identity.claims || "groups" in identity.claims), {
    message: "claims must not repeat email or groups, which have their own fields",
    path: ["claims"],
  })
  .describe(
    "An owner whose claims are declared: `email`, and optionally `groups` and other `claims`. The guard then knows those exactly; a claim not declared may hold anything.",
  )
  .meta({ id: "OwnerIdentity" });
/** A break-glass owner declared with its claims: `email` and any others the IdP sends for it. */
export type OwnerIdentity = z.output<typeof ownerIdentitySchema>;

/** A `breakGlassOwners` entry: an address (the owner's other claims unknown) or an identity with its claims. */
export const breakGlassOwnerSchema = z.union([z.string(), ownerIdentitySchema]);
export type BreakGlassOwner = z.output<typeof breakGlassOwnerSchema>;

export const claimMappingsInputsSchema = z.object({
  mappings: z
    .array(claimRuleSchema)
    .describe("The ordered rules, evaluated top-down; the first match decides the role. Rules in the workspace that are not declared are removed."),
  breakGlassOwners: z
    .array(breakGlassOwnerSchema)
    .optional()
    .describe(
      "Owners who must still get `Owner` whatever the claims the IdP sends that are not declared: an e-mail address (other claims unknown) or `{ email, groups?, … }` with the owner's claims.",
    ),
  expectations: z.array(expectationSchema).optional().describe("Identities whose resulting role is checked at preview."),
  allowLockout: z
    .boolean()
    .optional()
    .describe("The only way to apply a plan the lockout guard refuses. Default `false`."),
  overwriteExisting: z
    .boolean()
    .optional()
    .describe(
      "Let this resource take over a workspace that already has claim-mapping rules other than the declared ones: they are edited, moved or removed to match. Default `false`: creating the resource over such a workspace is refused at preview, which shows the plan.",
    ),
});
export type ClaimMappingsInputs = z.output<typeof claimMappingsInputsSchema>;

/** A rule as applied in the workspace. */
export const appliedClaimRuleSchema = z
  .object({
    ...claimRuleSchema.shape,
    id: z.string().describe("The rule's id in the workspace."),
    rank: z.number().int().describe("The rule's 1-based position."),
  })
  .describe("A rule as applied, with its id and rank.")
  .meta({ id: "AppliedClaimRule" });

/** What `ClaimMappings` outputs besides its inputs. */
export const claimMappingsOutputsSchema = z.object({
  mappings: z.array(appliedClaimRuleSchema).describe("The rules as applied, each with its `id` and `rank`."),
});
export type AppliedClaimRule = z.output<typeof appliedClaimRuleSchema>;

/** What the stack records for `ClaimMappings`: the inputs, with the rules as applied. */
export const claimMappingsStateSchema = claimMappingsInputsSchema.extend({
  mappings: z.array(appliedClaimRuleSchema),
  allowLockout: z.boolean(),
});
export type ClaimMappingsState = z.output<typeof claimMappingsStateSchema>;
