/**
 * The workspace API's payloads, declared once and shared by the client (which parses every response
 * with them) and the local workspace (which validates every request with them).
 *
 * Field names follow Torq's public API (snake_case). Items marked [local] are this project's
 * extensions, modelled on the product's UI; see ../shared/design/CONTRACT.md section 5.
 */
import { z } from "zod";

/** The base path of every public route. */
export const API_BASE_PATH = "/public/v1alpha";

/** Torq's documented ceiling on requests per second for one API key. */
export const RATE_LIMIT_PER_SECOND = 50;

/** Largest request body the local workspace accepts. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Page size bounds of list calls. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export const tokenResponseSchema = z
  .object({
    access_token: z.string().min(1),
    expires_in: z.number().int().positive(),
    token_type: z.literal("Bearer"),
  })
  .describe("The answer of POST /v1/auth/token (client-credentials grant).");
export type TokenResponse = z.output<typeof tokenResponseSchema>;

/** Reasons carried by a [local] google.rpc.ErrorInfo detail. */
export const ERROR_REASONS = [
  "INVALID_ARGUMENT",
  "UNAUTHENTICATED",
  "PERMISSION_DENIED",
  "NOT_FOUND",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "LOCKOUT_PREVENTED",
  "RATE_LIMITED",
  "INTERNAL",
  "UNAVAILABLE",
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

export const ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo";

export const errorInfoSchema = z.object({
  "@type": z.literal(ERROR_INFO_TYPE),
  reason: z.string(),
  metadata: z.record(z.string(), z.string()).optional(),
});
export type ErrorInfo = z.output<typeof errorInfoSchema>;

export const apiErrorBodySchema = z
  .object({
    code: z.number().int(),
    message: z.string(),
    details: z.array(z.unknown()),
  })
  .describe("Torq's error body: the gRPC status number, a message and a details array.");
export type ApiErrorBody = z.output<typeof apiErrorBodySchema>;

export const roleSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  description: z.string(),
  scope_names: z.array(z.string()),
  is_custom: z.boolean(),
});
export type Role = z.output<typeof roleSchema>;

export const roleListSchema = z.object({
  roles: z.array(roleSchema),
  next_page_token: z.string().optional().default(""),
});

export const claimMappingSchema = z.object({
  id: z.string().uuid(),
  claim_name: z.string(),
  claim_value: z.string(),
  role_id: z.string().uuid(),
  rank: z.number().int().positive(),
});
export type ClaimMapping = z.output<typeof claimMappingSchema>;

export const claimMappingListSchema = z.object({
  claim_mappings: z.array(claimMappingSchema),
  next_page_token: z.string().optional().default(""),
});

/** A required, non-empty string field whose messages name the field. */
export const nonEmpty = (field: string) =>
  z.string({ error: `${field} must be a string` }).min(1, { error: `${field} must not be empty` });

export const createClaimMappingSchema = z
  .strictObject({
    claim_name: nonEmpty("claim_name"),
    claim_value: nonEmpty("claim_value"),
    role_id: z.string().uuid({ error: "role_id must be a UUID" }),
  })
  .describe("POST /sso/claim_mappings: a new rule, appended last.");
export type CreateClaimMapping = z.output<typeof createClaimMappingSchema>;

export const patchClaimMappingSchema = z
  .strictObject({
    claim_name: nonEmpty("claim_name").optional(),
    claim_value: nonEmpty("claim_value").optional(),
    role_id: z.string().uuid({ error: "role_id must be a UUID" }).optional(),
    rank: z.number({ error: "rank must be a number" }).int({ error: "rank must be an integer" }).positive({ error: "rank must be at least 1" }).optional(),
  })
  .describe("PATCH /sso/claim_mappings/{id}: setting rank moves the rule.");
export type PatchClaimMapping = z.output<typeof patchClaimMappingSchema>;

export const SSO_PROTOCOLS = ["saml", "oidc"] as const;
export const IDENTITY_PROVIDERS = ["okta", "entra-id", "onelogin", "jumpcloud", "google", "other"] as const;
export const GRANT_TYPES = ["code", "implicit"] as const;

/** [local] PUT /sso/provider: the singleton SSO provider. `client_secret` is write-only. */
export const putSsoProviderSchema = z.strictObject({
  protocol: z.enum(SSO_PROTOCOLS),
  identity_provider: z.enum(IDENTITY_PROVIDERS).default("other"),
  enabled: z.boolean().default(true),
  sign_on_url: z.string().optional(),
  issuer: z.string().optional(),
  certificate: z.string().optional(),
  issuer_url: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  grant_type: z.enum(GRANT_TYPES).optional(),
  send_login_hint: z.boolean().optional(),
});
export type PutSsoProvider = z.input<typeof putSsoProviderSchema>;

/** [local] GET /sso/provider. The client secret is never returned. */
export const ssoProviderSchema = z.object({
  protocol: z.enum(SSO_PROTOCOLS),
  identity_provider: z.enum(IDENTITY_PROVIDERS),
  enabled: z.boolean(),
  sign_on_url: z.string().optional(),
  issuer: z.string().optional(),
  certificate: z.string().optional(),
  issuer_url: z.string().optional(),
  client_id: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  grant_type: z.enum(GRANT_TYPES).optional(),
  send_login_hint: z.boolean().optional(),
  client_secret_set: z.boolean(),
  client_secret_updated_at: z.string().nullable(),
  updated_at: z.string(),
});
export type SsoProviderRecord = z.output<typeof ssoProviderSchema>;

/** [local] GET /sso/endpoints: what the IdP application must be told. */
export const ssoEndpointsSchema = z.object({
  login_redirect_url: z.string(),
  audience: z.string(),
});
export type SsoEndpoints = z.output<typeof ssoEndpointsSchema>;

/** [local] GET | PUT /sso/settings. */
export const ssoSettingsSchema = z.strictObject({
  sso_only: z.boolean({ error: "sso_only must be a boolean" }),
});
export type SsoSettings = z.output<typeof ssoSettingsSchema>;
