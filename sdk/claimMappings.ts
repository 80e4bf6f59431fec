/**
 * `torq.ClaimMappings`: the workspace's whole, ordered claim-mapping list. Rules are evaluated
 * top-down and the first match decides the role; rules in the workspace that are not declared are
 * removed. `pulumi preview` refuses any list that would lock the owners out (see the README).
 */
import * as pulumi from "@pulumi/pulumi";
import type { AppliedClaimRule, ClaimRule, Expectation } from "../provider/schemas/claimMappings";
import { providerShim } from "./shim";

export interface ClaimMappingsArgs {
  /** The ordered rules: `{ claimName, claimValue, role }`, role by name (e.g. `Owner`, `Viewer`). */
  mappings: pulumi.Input<pulumi.Input<ClaimRule>[]>;
  /** E-mail addresses that must still resolve to `Owner`. */
  breakGlassOwners?: pulumi.Input<pulumi.Input<string>[]>;
  /** Identities whose resulting role is checked at preview (`role: null`: no rule may match). */
  expectations?: pulumi.Input<pulumi.Input<Expectation>[]>;
  /** The only way to apply a plan the lockout guard refuses. Default `false`. */
  allowLockout?: pulumi.Input<boolean>;
}

export class ClaimMappings extends pulumi.dynamic.Resource {
  /** The rules as applied, each with its `id` and `rank` in the workspace. */
  declare public readonly mappings: pulumi.Output<AppliedClaimRule[]>;
  declare public readonly breakGlassOwners: pulumi.Output<string[] | undefined>;
  declare public readonly expectations: pulumi.Output<Expectation[] | undefined>;
  declare public readonly allowLockout: pulumi.Output<boolean>;

  constructor(name: string, args: ClaimMappingsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("claimMappings"),
      name,
      {
        mappings: args.mappings,
        breakGlassOwners: args.breakGlassOwners,
        expectations: args.expectations,
        allowLockout: args.allowLockout ?? false,
      },
      opts,
      "torq",
      "ClaimMappings",
    );
  }
}
