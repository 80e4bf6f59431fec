/**
 * The Pulumi package schema (`schema.json`), generated from the zod schemas in this folder, so the
 * documented shapes cannot drift from the ones the provider validates. `make schema` writes it; a test
 * fails when the checked-in file is stale.
 */
import { z } from "zod";
import { claimMappingsInputsSchema, claimMappingsOutputsSchema } from "./claimMappings";
import { evaluateClaimsArgsSchema, evaluateClaimsResultSchema, ssoEndpointsResultSchema } from "./functions";
import { ssoEnforcementInputsSchema, ssoProviderInputsSchema, ssoProviderOutputsSchema } from "./ssoProvider";

type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  default?: unknown;
};

type PropertySpec = {
  type?: string;
  description?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  oneOf?: PropertySpec[];
  $ref?: string;
  default?: unknown;
  secret?: boolean;
};

const PACKAGE = "torq";
const typeToken = (name: string) => `${PACKAGE}:index:${name}`;
const SECRET_PROPERTIES = new Set(["clientSecret"]);

function toJson(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

function propertySpec(schema: JsonSchema, defs: Map<string, JsonSchema>): PropertySpec {
  const spec: PropertySpec = {};
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/\$defs\//, "");
    spec.$ref = `#/types/${typeToken(name)}`;
  } else if (schema.anyOf) {
    const variants = schema.anyOf.filter((s) => s.type !== "null");
    if (variants.length === 1) Object.assign(spec, propertySpec(variants[0]!, defs));
    else spec.oneOf = variants.map((v) => propertySpec(v, defs));
  } else if (schema.enum) {
    spec.type = "string";
  } else if (schema.type === "array" && schema.items) {
    spec.type = "array";
    spec.items = propertySpec(schema.items, defs);
  } else if (schema.type === "object") {
    spec.type = "object";
    if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
      spec.additionalProperties = propertySpec(schema.additionalProperties, defs);
    }
  } else if (schema.type === "integer" || schema.type === "number" || schema.type === "boolean" || schema.type === "string") {
    spec.type = schema.type;
  } else {
    spec.$ref = "pulumi.json#/Any";
  }
  const enumNote = schema.enum ? ` One of: ${schema.enum.map((v) => `\`${String(v)}\``).join(", ")}.` : "";
  if (schema.description || enumNote) spec.description = `${schema.description ?? ""}${enumNote}`.trim();
  if (schema.default !== undefined) spec.default = schema.default;
  return spec;
}

function objectSpec(schema: JsonSchema, defs: Map<string, JsonSchema>): { properties: Record<string, PropertySpec>; required: string[] } {
  const properties: Record<string, PropertySpec> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    properties[name] = propertySpec(property, defs);
    if (SECRET_PROPERTIES.has(name)) properties[name]!.secret = true;
  }
  // A property with a default, or one that may be null, need not be given.
  const optional = (name: string) => schema.properties?.[name]?.default !== undefined || schema.properties?.[name]?.anyOf?.some((s) => s.type === "null");
  return { properties, required: [...(schema.required ?? [])].filter((name) => !optional(name)) };
}

function collectTypes(json: JsonSchema, types: Map<string, JsonSchema>): void {
  for (const [name, def] of Object.entries(json.$defs ?? {})) types.set(name, def);
}

function resourceSpec(description: string, inputs: z.ZodType, outputs: z.ZodType | undefined, types: Map<string, JsonSchema>) {
  const inputJson = toJson(inputs);
  const outputJson = outputs ? toJson(outputs) : { properties: {}, required: [] };
  for (const json of [inputJson, outputJson]) collectTypes(json, types);
  const input = objectSpec(inputJson, types);
  const output = objectSpec(outputJson, types);
  const properties = { ...input.properties, ...output.properties };
  delete properties["clientSecret"];
  return {
    description,
    inputProperties: input.properties,
    requiredInputs: input.required,
    properties,
    required: [...new Set([...input.required, ...output.required])].filter((name) => name in properties),
  };
}

function functionSpec(description: string, args: z.ZodType | undefined, result: z.ZodType, types: Map<string, JsonSchema>) {
  const spec: Record<string, unknown> = { description };
  for (const [key, schema] of [["inputs", args], ["outputs", result]] as const) {
    if (!schema) continue;
    const json = toJson(schema);
    collectTypes(json, types);
    const object = objectSpec(json, types);
    spec[key] = { type: "object", properties: object.properties, required: object.required };
  }
  return spec;
}

/**
 * The provider's configuration, as stack config (`torq:apiUrl`) and as the inputs of an explicit
 * `torq.Provider`; the environment variables are the fallback either way.
 */
const CONFIG_VARIABLES: Record<string, PropertySpec> = {
  region: { type: "string", description: "`us` (default) or `eu`: picks the public API and auth URLs. Environment: TORQ_REGION." },
  apiUrl: { type: "string", description: "Overrides the API base URL (e.g. a local workspace). Environment: TORQ_API_URL." },
  authUrl: { type: "string", description: "Overrides the token URL base; defaults to apiUrl when apiUrl is set. Environment: TORQ_AUTH_URL." },
  clientId: { type: "string", description: "API key client id. Environment: TORQ_CLIENT_ID." },
  clientSecret: { type: "string", secret: true, description: "API key client secret. Environment: TORQ_CLIENT_SECRET." },
};

/** The names the generated SDKs are published under; the Go path is what sdk-gen/go is built as. */
const LANGUAGE = {
  nodejs: { packageName: "@pulumi-torq-sso/torq", packageDescription: "Torq SSO as code: the SDK generated for the pulumi-resource-torq plugin.", respectSchemaVersion: true },
  python: { packageName: "pulumi_torq_sso", respectSchemaVersion: true, pyproject: { enabled: true } },
  go: { importBasePath: "github.com/pulumi-torq-sso/sdk-gen/go/torq", respectSchemaVersion: true, generateResourceContainerTypes: false },
};

/** Builds the package schema; deterministic, so the checked-in file can be compared byte for byte. */
export function buildPackageSchema(version: string): Record<string, unknown> {
  const types = new Map<string, JsonSchema>();
  const resources = {
    [typeToken("ClaimMappings")]: resourceSpec(
      "The workspace's whole, ordered claim-mapping list (authoritative). Rules are evaluated top-down; the first match decides the role. The lockout guard refuses at preview any list that would lock the owners out.",
      claimMappingsInputsSchema,
      claimMappingsOutputsSchema,
      types,
    ),
    [typeToken("SsoProvider")]: resourceSpec(
      "The workspace's one SSO provider, SAML 2.0 or OpenID Connect. The client secret is always a Pulumi secret.",
      ssoProviderInputsSchema,
      ssoProviderOutputsSchema,
      types,
    ),
    [typeToken("SsoEnforcement")]: resourceSpec(
      "SSO-only login for the workspace; refused unless an enabled SSO provider and a reachable owner e-mail mapping exist.",
      ssoEnforcementInputsSchema,
      undefined,
      types,
    ),
  };
  const functions = {
    [typeToken("getSsoEndpoints")]: functionSpec(
      "What the IdP application must be told: Torq's Login Redirect URL and the audience. Usable before any resource exists; fixed per region for Torq, asked of the workspace when apiUrl is set.",
      undefined,
      ssoEndpointsResultSchema,
      types,
    ),
    [typeToken("evaluateClaims")]: functionSpec(
      "The role an identity gets from an ordered rule list: the first rule whose claim equals the value decides (the evaluator the lockout guard uses).",
      evaluateClaimsArgsSchema,
      evaluateClaimsResultSchema,
      types,
    ),
  };
  const typeSpecs: Record<string, unknown> = {};
  for (const name of [...types.keys()].sort()) {
    const def = types.get(name)!;
    const spec = objectSpec(def, types);
    typeSpecs[typeToken(name)] = { type: "object", description: def.description, properties: spec.properties, required: spec.required };
  }
  return {
    name: PACKAGE,
    displayName: "Torq SSO",
    version,
    description: "Single Sign-On for a Torq workspace: the SSO provider, the ordered claim→role rules with a lockout guard at preview, and SSO-only login.",
    keywords: ["pulumi", "torq", "sso", "saml", "oidc"],
    license: "Apache-2.0",
    config: { variables: CONFIG_VARIABLES },
    provider: {
      description: "The connection to one Torq workspace. Every input falls back to the stack config `torq:*`, then the environment.",
      inputProperties: CONFIG_VARIABLES,
    },
    types: typeSpecs,
    resources,
    functions,
    language: LANGUAGE,
  };
}

export function packageSchemaText(version: string): string {
  return JSON.stringify(buildPackageSchema(version), null, 2) + "\n";
}
