/**
 * [local, --test-hooks] The payloads of the local workspace's test hooks (`/_local/...`): API keys,
 * roles, faults and the request log. They exist only with `--test-hooks`, so they live with the
 * workspace, not with the provider that users install.
 */
import { z } from "zod";
import { nonEmpty } from "../provider/schemas/api";

/** [local, --test-hooks] POST /_local/api_keys. */
export const createApiKeySchema = z.strictObject({ role: nonEmpty("role") });
export const apiKeySchema = z.object({ client_id: z.string(), client_secret: z.string() });
export type ApiKey = z.output<typeof apiKeySchema>;

/** [local, --test-hooks] POST /_local/roles. */
export const createRoleSchema = z.strictObject({
  name: nonEmpty("name"),
  description: z.string().optional(),
  scope_names: z.array(z.string()).default([]),
});

/**
 * [local, --test-hooks] POST /_local/faults: one fault rule. `path` is a pattern where `*` matches
 * one path segment and a trailing `**` any rest; `method` defaults to any.
 * - `status`: answer with this HTTP status (and the matching error body) instead of serving.
 * - `delay_ms`: wait before serving.
 * - `drop`: destroy the connection `before` the request is served, or `after` the write commits.
 * - `stale_read`: serve a GET from the state before the last write.
 * `times`: how many matching requests it applies to (default 1).
 */
export const faultRuleSchema = z.strictObject({
  method: z.string().optional(),
  path: nonEmpty("path"),
  status: z.number().int().min(400).max(599).optional(),
  retry_after: z.number().int().nonnegative().optional(),
  delay_ms: z.number().int().nonnegative().max(60_000).optional(),
  drop: z.enum(["before", "after"]).optional(),
  stale_read: z.boolean().optional(),
  times: z.number().int().positive().default(1),
});
export type FaultRule = z.output<typeof faultRuleSchema>;

export const requestLogSchema = z.object({
  requests: z.array(
    z.object({ method: z.string(), path: z.string(), status: z.number().int(), at: z.string() }),
  ),
});
export type RequestLogEntry = z.output<typeof requestLogSchema>["requests"][number];
