/**
 * `torq.ClaimMappings`: the workspace's whole, ordered claim-mapping list. Rules are evaluated
 * top-down and the first match decides the role; rules in the workspace that are not declared are
 * removed. `pulumi preview` refuses any list that would lock the owners out (see the README).
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { AppliedClaimRule, BreakGlassOwner, claimMappingsInputsSchema, Expectation } from "../provider/schemas/claimMappings";
import type { ResourceArgs } from "./inputs";
import { protectedByDefault } from "./protection";
import { providerShim } from "./shim";

/**
 * The arguments of `ClaimMappings`, as declared in provider/schemas/claimMappings.ts:
 * - `mappings`: the ordered rules `{ claimName, claimValue, role }`, role by name (e.g. `Owner`).
 * - `breakGlassOwners`: owners who must still get `Owner`: an address, or `{ email, groups?, claims? }`.
 * - `expectations`: identities whose resulting role is checked at preview (`role: null`: no rule may match).
 * - `allowLockout`: the only way to apply a plan the lockout guard refuses. Default `false`.
 * - `overwriteExisting`: let a new resource take over a workspace's other rules. Default `false`.
 */
export type ClaimMappingsArgs = ResourceArgs<z.input<typeof claimMappingsInputsSchema>>;

/**
 * The workspace's ordered claim-mapping list. Protected by default: removing it from the program
 * fails at preview until `protect: false` is set (see sdk/protection.ts).
 */
export class ClaimMappings extends pulumi.dynamic.Resource {
  /** The rules as applied, each with its `id` and `rank` in the workspace. */
  declare public readonly mappings: pulumi.Output<AppliedClaimRule[]>;
  declare public readonly breakGlassOwners: pulumi.Output<BreakGlassOwner[] | undefined>;
  declare public readonly expectations: pulumi.Output<Expectation[] | undefined>;
  declare public readonly allowLockout: pulumi.Output<boolean>;
  declare public readonly overwriteExisting: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: ClaimMappingsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("claimMappings"),
      name,
      {
        mappings: args.mappings,
        breakGlassOwners: args.breakGlassOwners,
        expectations: args.expectations,
        allowLockout: args.allowLockout ?? false,
        overwriteExisting: args.overwriteExisting,
      },
      protectedByDefault(opts),
      "torq",
      "ClaimMappings",
    );
  }
}
