/**
 * The part of `pulumi preview --json` the review reads: the stack's config (secrets blinded), each
 * resource step with its old and new state, and the diagnostics. Anything else is ignored, so newer
 * CLIs that add fields keep working.
 */
import { z } from "zod";

const stateSchema = z
  .object({
    type: z.string().optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
    outputs: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

export const previewStepSchema = z
  .object({
    op: z.string(),
    urn: z.string(),
    oldState: stateSchema.optional(),
    newState: stateSchema.optional(),
    detailedDiff: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .loose();
export type PreviewStep = z.output<typeof previewStepSchema>;

export const previewDiagnosticSchema = z
  .object({
    urn: z.string().optional(),
    message: z.string(),
    severity: z.string(),
  })
  .loose();
export type PreviewDiagnostic = z.output<typeof previewDiagnosticSchema>;

export const previewJsonSchema = z
  .object({
    config: z.record(z.string(), z.unknown()).optional(),
    steps: z.array(previewStepSchema).optional(),
    diagnostics: z.array(previewDiagnosticSchema).optional(),
    changeSummary: z.record(z.string(), z.number()).optional(),
  })
  .loose();
export type PreviewJson = z.output<typeof previewJsonSchema>;

/** The resource kinds of this package, by type token: the dynamic provider's and the plugin's. */
export type TorqKind = "ClaimMappings" | "SsoProvider" | "SsoEnforcement";

/** This package's resource kind of a type token, or undefined for any other resource. */
export function torqKind(type: string): TorqKind | undefined {
  const match = /^(?:pulumi-nodejs:dynamic\/torq|torq:index):(ClaimMappings|SsoProvider|SsoEnforcement)$/.exec(type);
  return match ? (match[1] as TorqKind) : undefined;
}

/** The type token in a URN (`urn:pulumi:stack::project::[parent$]type::name`). */
export function urnType(urn: string): string {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return qualified.split("$").at(-1) ?? qualified;
}

/** The resource name in a URN. */
export function urnName(urn: string): string {
  return urn.split("::").at(-1) ?? urn;
}

/** The value Pulumi shows for a secret in a preview. */
export const SECRET_PLACEHOLDER = "[secret]";
