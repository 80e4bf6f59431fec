/**
 * The arguments and results of the package's functions, `getSsoEndpoints` and `evaluateClaims`: the
 * SDK exports them as plain functions, the resource provider plugin serves them as `Invoke`s
 * (`torq:index:getSsoEndpoints`, `torq:index:evaluateClaims`), and schema.json declares them from here.
 */
import { z } from "zod";
import { claimRuleSchema, claimsSchema } from "./claimMappings";

export const ssoEndpointsResultSchema = z.object({
  loginRedirectUrl: z.string().describe("Where the IdP sends users back (Torq's Login Redirect URL)."),
  audience: z.string().describe("The audience / SP entity ID the IdP must use."),
});

export const evaluateClaimsArgsSchema = z.object({
  mappings: z.array(claimRuleSchema).describe("The ordered rules, as declared on ClaimMappings."),
  claims: claimsSchema.describe("The identity's claims, e.g. `{ email: \"a@x.io\", groups: [\"sre\"] }`."),
});
export type EvaluateClaimsArgs = z.output<typeof evaluateClaimsArgsSchema>;

export const evaluateClaimsResultSchema = z.object({
  role: z.string().nullable().describe("The role the identity gets; null when no rule matches."),
  ruleIndex: z.number().int().nullable().describe("The 0-based index of the rule that decides it; null when no rule matches."),
});
