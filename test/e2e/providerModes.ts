/**
 * The two ways a program reaches the provider, as a parameter of the e2e suites: Pulumi's Node
 * dynamic provider (`pulumi-torq-sso`), and the resource provider plugin `pulumi-resource-torq`
 * (`pulumi-torq-sso/plugin`, the SDK generated from schema.json). A suite run once per mode checks
 * that both behave alike.
 */

/** How a program reaches the provider. */
export interface ProviderMode {
  name: "dynamic provider" | "plugin";
  /** What a TypeScript program imports the resources from. */
  sdk: "pulumi-torq-sso" | "pulumi-torq-sso/plugin";
  /** The type a resource of this package has in the stack's state, e.g. for `ClaimMappings`. */
  resourceType(name: "ClaimMappings" | "SsoProvider" | "SsoEnforcement"): string;
  /** What the command line of the provider process the engine starts contains. */
  providerProcess: string;
}

export const DYNAMIC: ProviderMode = {
  name: "dynamic provider",
  sdk: "pulumi-torq-sso",
  resourceType: (name) => `pulumi-nodejs:dynamic/torq:${name}`,
  providerProcess: "@pulumi/pulumi/cmd/dynamic-provider/index.js",
};
export const PLUGIN: ProviderMode = {
  name: "plugin",
  sdk: "pulumi-torq-sso/plugin",
  resourceType: (name) => `torq:index:${name}`,
  providerProcess: "dist/bin/pulumi-resource-torq",
};

/** Both modes, for `for (const mode of PROVIDER_MODES) describe(...)`. */
export const PROVIDER_MODES: readonly ProviderMode[] = [DYNAMIC, PLUGIN];

/**
 * A program's source for a mode: its `pulumi-torq-sso` import switched to the mode's module, the
 * one line the README asks a TypeScript program to change to move to the plugin.
 */
export function programFor(mode: ProviderMode, source: string): string {
  return source.replace(/(from\s+|require\()(["'])pulumi-torq-sso\2/g, `$1$2${mode.sdk}$2`);
}
