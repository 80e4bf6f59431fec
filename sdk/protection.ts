/**
 * Resources whose deletion removes what the owners sign in with are protected by default, so that
 * removing one from a program (or renaming it, which Pulumi plans as a delete) fails at
 * `pulumi preview` rather than at `pulumi up`: the engine runs no provider code for a delete during
 * a preview, so the provider's own guard could only refuse it later. `protect: false` in the
 * resource options (or `pulumi state unprotect`) is the explicit choice that releases it.
 */
import type * as pulumi from "@pulumi/pulumi";

export function protectedByDefault(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  return { ...opts, protect: opts?.protect ?? true };
}
