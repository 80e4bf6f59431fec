/**
 * The SDK's argument types, derived from the zod input schemas in provider/schemas so that a shape is
 * declared once: every field, at any depth, may be a plain value or a Pulumi `Input`.
 */
import type * as pulumi from "@pulumi/pulumi";

type Plain = string | number | boolean | null | undefined;

/** A value of type T as a Pulumi program may pass it: plain, a promise or an output, at every depth. */
export type DeepInput<T> = T extends Plain
  ? T
  : T extends readonly (infer U)[]
    ? pulumi.Input<DeepInput<U>>[]
    : T extends object
      ? { [K in keyof T]: pulumi.Input<DeepInput<T[K]>> }
      : T;

/** The arguments of a resource whose inputs are T. */
export type ResourceArgs<T> = { [K in keyof T]: pulumi.Input<DeepInput<T[K]>> };
