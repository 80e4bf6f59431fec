/**
 * The shapes the login routes answer with, declared once with zod so the `test-login` command, the
 * tests and the bench parse exactly what the workspace sends.
 */
import { z } from "zod";

/** The rule that decided a role: its 1-based rank and the claim it matched. */
export const decidingRuleSchema = z.object({
  rank: z.number().int().positive(),
  claimName: z.string(),
  claimValue: z.string(),
});
export type DecidingRule = z.output<typeof decidingRuleSchema>;

/** A successful sign-in: who, the role the first matching rule gives, and that rule. */
export const loginResultSchema = z
  .object({
    email: z.string().nullable(),
    role: z.string(),
    rule: decidingRuleSchema,
    protocol: z.enum(["oidc", "saml"]),
    /** The claims as the rules saw them, after normalisation (one string or a list per name). */
    claims: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  })
  .describe("The answer of a completed login: GET /__/auth/handler (OIDC code) or POST (OIDC form_post, SAML).");
export type LoginResult = z.output<typeof loginResultSchema>;

/** One entry of the login log (`GET /_local/logins`). */
export const loginRecordSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  protocol: z.enum(["oidc", "saml"]),
  outcome: z.enum(["granted", "refused"]),
  email: z.string().nullable(),
  role: z.string().nullable(),
  rule: decidingRuleSchema.nullable(),
  /** Why it was refused: a LoginError code such as `NO_MATCHING_RULE` or `SAML_WRONG_AUDIENCE`. */
  reason: z.string().nullable(),
  message: z.string().nullable(),
});
export type LoginRecord = z.output<typeof loginRecordSchema>;

export const loginLogSchema = z.object({ logins: z.array(loginRecordSchema) });
