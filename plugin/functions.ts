/**
 * The package's functions as the plugin serves them (`Invoke`): `torq:index:getSsoEndpoints` and
 * `torq:index:evaluateClaims`, answered by the same code as the SDK's `getSsoEndpoints()` and
 * `evaluateClaims()`.
 */
import type { ConfigSource } from "../provider/config";
import { evaluateClaims } from "../provider/lockout/evaluate";
import { toCheckFailures, zodProblems, type CheckFailure } from "../provider/resources/checkFailures";
import { evaluateClaimsArgsSchema } from "../provider/schemas/functions";
import { ssoEndpointsFor } from "../provider/ssoEndpoints";
import type { Props } from "./propertyValues";

/** A function's answer: its result, or the problems with its arguments (each naming the field). */
export type InvokeResult = { result: Props; failures: [] } | { result: undefined; failures: CheckFailure[] };

type PackageFunction = (args: Props, config: ConfigSource | undefined) => Promise<InvokeResult>;

/** The functions by type token. */
export const FUNCTIONS: Record<string, PackageFunction> = {
  "torq:index:getSsoEndpoints": async (_args, config) => ({ result: { ...(await ssoEndpointsFor(config)) }, failures: [] }),
  "torq:index:evaluateClaims": async (args) => {
    const parsed = evaluateClaimsArgsSchema.safeParse(args);
    if (!parsed.success) return { result: undefined, failures: toCheckFailures(zodProblems(parsed.error)) };
    return { result: { ...evaluateClaims(parsed.data.mappings, parsed.data.claims) }, failures: [] };
  },
};
