/**
 * The thin provider object Pulumi serializes into state. Each method loads the installed provider
 * at call time, so `destroy` and `refresh` of old state run today's code, and the only thing captured
 * is the resource kind (a string): no credentials, no client, no module code.
 *
 * Keep these methods free of imports and helpers: Pulumi serializes the function text and whatever it
 * closes over, and `require` here must stay a runtime call.
 */
import type * as pulumi from "@pulumi/pulumi";

export type ShimKind = "claimMappings" | "ssoProvider" | "ssoEnforcement";

/* eslint-disable @typescript-eslint/no-require-imports */
export function providerShim(kind: ShimKind): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      return require("pulumi-torq-sso/provider").configure(req);
    },
    async check(olds, news) {
      return require("pulumi-torq-sso/provider").resources[kind].check(olds, news);
    },
    async diff(id, olds, news) {
      return require("pulumi-torq-sso/provider").resources[kind].diff(id, olds, news);
    },
    async create(inputs) {
      return require("pulumi-torq-sso/provider").resources[kind].create(inputs);
    },
    async read(id, props) {
      return require("pulumi-torq-sso/provider").resources[kind].read(id, props);
    },
    async update(id, olds, news) {
      return require("pulumi-torq-sso/provider").resources[kind].update(id, olds, news);
    },
    async delete(id, props) {
      return require("pulumi-torq-sso/provider").resources[kind].delete(id, props);
    },
  };
}
