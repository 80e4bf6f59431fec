/**
 * The fleet file: many Torq workspaces, one SSO baseline. Declared here once, in zod; `torq-sso fleet`
 * validates a file against it and names the line and field of every problem (loadFleetFile.ts).
 *
 * ```yaml
 * project: acme-sso
 * backend: file://./state
 * baseline:
 *   claimMappings:
 *     mappings:
 *       - { claimName: email, claimValue: owner@acme.example, role: Owner }
 *     breakGlassOwners: [owner@acme.example]
 * workspaces:
 *   - name: staging
 *     apiUrl: https://api.torq.io
 *     credentials: { clientId: STAGING_TORQ_CLIENT_ID, clientSecret: STAGING_TORQ_CLIENT_SECRET }
 * waves:
 *   - { name: canary, workspaces: [staging] }
 * ```
 */
import { z } from "zod";
import { breakGlassOwnerSchema, claimRuleSchema, expectationSchema } from "../provider/schemas/claimMappings";
import { secureUrlProblem } from "../provider/urls";

/** The Pulumi project of a fleet whose baseline is declared in the file, when the file names none. */
export const DEFAULT_FLEET_PROJECT = "torq-sso-fleet";

/** The `ClaimMappings` resource's name in each stack of a fleet whose baseline is declared in the file. */
export const DEFAULT_RULES_RESOURCE = "sso-rules";

/** The stack config keys a workspace's own fields set; `config` may not set them itself. */
export const CONNECTION_CONFIG_KEYS = ["torq:region", "torq:apiUrl", "torq:authUrl", "torq:clientId", "torq:clientSecret"] as const;

// A rule in a fleet file is strict: a misspelt key (`claimname`) is an error, not a rule that is dropped.
const strictRuleSchema = z.strictObject(claimRuleSchema.shape);

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
// Never echo what was written here: someone may have pasted the secret itself instead of its name.
const envVarName = z
  .string({ error: "must be the name of an environment variable" })
  .regex(ENV_NAME, { error: "must be the NAME of an environment variable (upper-case letters, digits and _), never the value itself" });

const workspaceName = z
  .string({ error: "must be a name" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, { error: "must be 1-100 letters, digits, '-', '_' or '.', starting with a letter or digit (it names the stack)" });

const url = z.string({ error: "must be a URL" }).check((ctx) => {
  const problem = secureUrlProblem(ctx.value);
  if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
});

// Config values are written to the stack as Pulumi writes them: strings as they are, anything else as JSON (read it with `config.getObject`).
const configValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.json()), z.record(z.string(), z.json())], {
  error: "must be a string, number, boolean, list or map",
});

/** A workspace's `credentials`: two environment variables' names. */
export const fleetCredentialsSchema = z
  .strictObject({
    clientId: envVarName.describe("The environment variable that holds the API key's client id."),
    clientSecret: envVarName.describe("The environment variable that holds the API key's client secret."),
  })
  .describe("Where the workspace's API key comes from: the NAMES of two environment variables, never their values.");

/** One entry of `workspaces`. */
export const fleetWorkspaceSchema = z
  .strictObject({
    name: workspaceName.describe("The workspace's name in the fleet; also its stack's name unless `stack` is set."),
    stack: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/, { error: "must be a stack name, or org/project/stack" })
      .optional()
      .describe("The stack's name (default: `name`); `org/project/stack` on Pulumi Cloud."),
    region: z.enum(["us", "eu"], { error: 'must be "us" or "eu"' }).optional().describe("`us` (default) or `eu`: Torq's public API and auth URLs."),
    apiUrl: url.optional().describe("The workspace API's base URL, instead of a region's (e.g. a local workspace)."),
    authUrl: url.optional().describe("The token URL base; defaults to `apiUrl` when that is set."),
    credentials: fleetCredentialsSchema,
    config: z.record(z.string(), configValue).optional().describe("More stack config for the program, e.g. `{ ownerEmail: a@b.io }`."),
    rules: z.array(strictRuleSchema).optional().describe("Rules of this workspace only, after the baseline's (a baseline declared in the file)."),
    breakGlassOwners: z.array(breakGlassOwnerSchema).optional().describe("More break-glass owners for this workspace (a baseline declared in the file)."),
    expectations: z.array(expectationSchema).optional().describe("More expectations for this workspace (a baseline declared in the file)."),
    overwriteExisting: z.boolean().optional().describe("Let the baseline take over this workspace's existing rules (a baseline declared in the file)."),
  })
  .describe("One Torq workspace of the fleet.");
/** One entry of `workspaces`, as written (see loadFleetFile.ts for it resolved). */
export type FleetWorkspaceEntry = z.output<typeof fleetWorkspaceSchema>;

/** The additions a workspace may make only to a baseline declared in the fleet file. */
export const RULE_ADDITIONS = ["rules", "breakGlassOwners", "expectations", "overwriteExisting"] as const;

/** `baseline.claimMappings`: the rules every workspace gets. */
export const fleetRulesBaselineSchema = z
  .strictObject({
    name: workspaceName.optional().describe(`The ClaimMappings resource's name in each stack (default \`${DEFAULT_RULES_RESOURCE}\`).`),
    mappings: z.array(strictRuleSchema).min(1, { error: "must list at least one rule (the owner e-mail rule first)" }),
    breakGlassOwners: z.array(breakGlassOwnerSchema).optional(),
    expectations: z.array(expectationSchema).optional(),
    overwriteExisting: z.boolean().optional(),
  })
  .describe("The `ClaimMappings` every workspace gets: its inputs, as in a program.");
/** `baseline.claimMappings`, as written. */
export type FleetRulesBaseline = z.output<typeof fleetRulesBaselineSchema>;

/** `baseline`: rules declared here, or a program. */
export const fleetBaselineSchema = z
  .strictObject({
    claimMappings: fleetRulesBaselineSchema.optional(),
    program: z.string().min(1).optional().describe("A Pulumi project folder (relative to the fleet file), run once per workspace."),
  })
  .check((ctx) => {
    const given = [ctx.value.claimMappings, ctx.value.program].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.issues.push({ code: "custom", message: "must have exactly one of claimMappings (rules declared here) or program (a Pulumi project folder)", input: ctx.value });
  })
  .describe("What every workspace gets: rules declared in the file, or a Pulumi program.");

/** One entry of `waves`. */
export const fleetWaveSchema = z
  .strictObject({
    name: z.string().min(1, { error: "must not be empty" }),
    workspaces: z.array(z.string()).min(1, { error: "must name at least one workspace" }),
  })
  .describe("Workspaces applied together; a wave starts only when the one before it applied everywhere.");

/** The whole fleet file. */
export const fleetFileSchema = z
  .strictObject({
    project: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: "must be a Pulumi project name (letters, digits, '-', '_', '.')" })
      .optional()
      .describe(`The Pulumi project of a baseline declared here (default \`${DEFAULT_FLEET_PROJECT}\`); a program's own Pulumi.yaml names its project.`),
    backend: z.string().min(1).optional().describe("The Pulumi state backend URL (default: PULUMI_BACKEND_URL, else the one `pulumi login` chose); a relative file:// path is relative to the fleet file."),
    concurrency: z.number().int().min(1).max(256).optional().describe("How many workspaces run at once (default: twice the machine's available parallelism)."),
    baseline: fleetBaselineSchema,
    workspaces: z.array(fleetWorkspaceSchema).min(1, { error: "must list at least one workspace" }),
    waves: z.array(fleetWaveSchema).min(1).optional().describe("The rollout order of `up`; default one wave of every workspace."),
  })
  .check((ctx) => {
    const file = ctx.value;
    const push = (path: PropertyKey[], message: string) => ctx.issues.push({ code: "custom", message, path, input: undefined });
    const seen = new Map<string, number>();
    const stacks = new Map<string, number>();
    file.workspaces.forEach((ws, i) => {
      if (seen.has(ws.name)) push(["workspaces", i, "name"], `repeats the name of workspaces[${seen.get(ws.name)}]`);
      seen.set(ws.name, i);
      const stack = ws.stack ?? ws.name;
      if (stacks.has(stack)) push(["workspaces", i, ws.stack ? "stack" : "name"], `uses the stack of workspaces[${stacks.get(stack)}] (${stack})`);
      stacks.set(stack, i);
      if (ws.region && ws.apiUrl) push(["workspaces", i, "region"], "give region or apiUrl, not both");
      for (const key of Object.keys(ws.config ?? {})) {
        if ((CONNECTION_CONFIG_KEYS as readonly string[]).includes(key)) push(["workspaces", i, "config", key], "is set from the workspace's region, apiUrl, authUrl and credentials");
      }
      if (file.baseline.program !== undefined) {
        for (const key of RULE_ADDITIONS) {
          if (ws[key] !== undefined) push(["workspaces", i, key], "needs a baseline declared in the fleet file (baseline.claimMappings); with baseline.program, pass it in config and read it in the program");
        }
      }
    });
    if (!file.waves) return;
    const waveOf = new Map<string, number>();
    file.waves.forEach((wave, w) => {
      wave.workspaces.forEach((name, j) => {
        if (!seen.has(name)) push(["waves", w, "workspaces", j], `names no workspace of the fleet (${JSON.stringify(name)})`);
        else if (waveOf.has(name)) push(["waves", w, "workspaces", j], `${name} is already in waves[${waveOf.get(name)}]`);
        else waveOf.set(name, w);
      });
    });
    file.workspaces.forEach((ws, i) => {
      if (!waveOf.has(ws.name)) push(["workspaces", i, "name"], `${ws.name} is in no wave: list it in one of waves[].workspaces`);
    });
  })
  .describe("A fleet of Torq workspaces sharing one SSO baseline.");
/** The fleet file, as written. */
export type FleetFile = z.output<typeof fleetFileSchema>;
