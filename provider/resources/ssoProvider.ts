/**
 * `torq.SsoProvider`: the workspace's one SSO provider, SAML 2.0 or OpenID Connect.
 * check validates every field at once (and derives SAML settings from metadata); diff compares the
 * declared provider with the live one, so a change made in the UI shows at preview; the client secret
 * is compared through a salted digest and never leaves the Pulumi secret it came in.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { LockoutRefusedError, oneLineErrors } from "../errors";
import { certificateExpiry, deriveSamlSettings, fetchMetadata, parseCertificate, parseIdpMetadata, type IdpCertificate, type ParsedCertificate } from "../saml";
import type { SsoProviderRecord } from "../schemas/api";
import { DEFAULT_OIDC_SCOPES, ssoProviderInputsSchema, type SsoProviderInputs } from "../schemas/ssoProvider";
import { TorqUnsupportedError } from "../client/errors";
import { report as report_, warn } from "../diagnostics";
import { unsealSecret } from "../sealedSecret";
import { containsUnknown } from "../unknowns";
import { workspace } from "../workspaceContext";
import { secureUrlProblem } from "../urls";
import { toCheckFailures, zodProblems, type CheckFailure, type FieldProblem } from "./checkFailures";
import { settingsOf, toPayload } from "./ssoProviderFields";
import { adoptionRefusal, describeSsoProviderPlan, identityChangeRefusal, planSsoProvider, type SecretChange, type SsoProviderPlanReport } from "./ssoProviderPlan";


/** The singleton's id: a workspace has one SSO provider. */
export const SSO_PROVIDER_ID = "sso-provider";

type Props = Record<string, unknown>;

const DIGEST_PREFIX = "hmac-sha256-keyed";

/**
 * A salted, keyed digest of the client secret: lets diff see a rotation without keeping the value in
 * outputs. The engine's verbose log prints a dynamic provider's outputs in clear, so the digest is
 * keyed (with a key derived from the API key's secret, which is never printed): a log alone does not
 * let anyone test guesses of the client secret offline.
 */
export function secretDigest(secret: string, key: string, salt: string = randomBytes(16).toString("base64url")): string {
  return `${DIGEST_PREFIX}:${salt}:${createHmac("sha256", key).update(salt).update("\0").update(secret).digest("hex")}`;
}

/** Whether a digest is of this secret under this key (constant-time). A digest of another format never matches. */
export function secretMatchesDigest(secret: string, key: string, digest: unknown): boolean {
  if (typeof digest !== "string") return false;
  const [prefix, salt, hex] = digest.split(":");
  if (prefix !== DIGEST_PREFIX || !salt || !hex) return false;
  const expected = Buffer.from(secretDigest(secret, key, salt));
  const actual = Buffer.from(digest);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Hints about an IdP's usual shape: warnings, never failures. */
function identityProviderHints(inputs: SsoProviderInputs): FieldProblem[] {
  const hints: FieldProblem[] = [];
  const issuer = inputs.protocol === "oidc" ? inputs.issuerUrl : inputs.issuer;
  if (!issuer) return hints;
  const field = inputs.protocol === "oidc" ? "issuerUrl" : "issuer";
  if (inputs.identityProvider === "entra-id") {
    const oidcForm = /^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/v2\.0\/?$/i;
    const samlForm = /^https:\/\/sts\.windows\.net\/[0-9a-f-]{36}\/?$/i;
    if (inputs.protocol === "oidc" && !oidcForm.test(issuer)) {
      hints.push({ path: field, message: "Entra ID issuers usually look like https://login.microsoftonline.com/<tenant-id>/v2.0" });
    }
    if (inputs.protocol === "saml" && !samlForm.test(issuer)) {
      hints.push({ path: field, message: "Entra ID SAML entity IDs usually look like https://sts.windows.net/<tenant-id>/" });
    }
  }
  if (inputs.identityProvider === "okta" && inputs.protocol === "oidc" && !/^https:\/\/[^/]+\.(okta|oktapreview|okta-emea)\.com(\/oauth2\/[^/]+)?\/?$/.test(issuer)) {
    hints.push({ path: field, message: "Okta issuers usually look like https://<org>.okta.com or https://<org>.okta.com/oauth2/<server-id>" });
  }
  if (inputs.identityProvider === "google" && inputs.protocol === "oidc" && issuer !== "https://accounts.google.com") {
    hints.push({ path: field, message: "Google's OIDC issuer is https://accounts.google.com" });
  }
  return hints;
}

/**
 * The signing certificate to trust when metadata lists several (a rollover in progress, or, as in
 * Entra's common metadata, keys of several clouds): one valid today, and of those the one valid
 * longest. A certificate not valid yet is never picked while another is valid: the IdP cannot be
 * signing with it. With none valid today, the latest one is returned so check reports why.
 */
export function pickSigningCertificate(certificates: readonly IdpCertificate[], now: Date): { certificate?: IdpCertificate; note?: string } {
  const distinct = [...new Map(certificates.map((c) => [c.fingerprintSha256, c])).values()];
  const byNotAfter = distinct.sort((a, b) => b.notAfter.localeCompare(a.notAfter));
  const valid = byNotAfter.filter((c) => {
    const status = certificateExpiry(c, now).status;
    return status === "valid" || status === "expiring";
  });
  const certificate = valid[0] ?? byNotAfter[0];
  if (!certificate || valid.length < 2) return certificate ? { certificate } : {};
  return {
    certificate,
    note:
      `lists ${valid.length} signing certificates valid today; using ${certificate.fingerprintSha256} (${certificate.subject}, valid until ${certificate.notAfter}), the one valid longest. ` +
      "If the IdP signs with another one, set certificate to it",
  };
}

export interface CheckedProvider {
  inputs: SsoProviderInputs;
  certificate?: ParsedCertificate;
  /** The fingerprints of the signing certificates the IdP's metadata at `metadataUrl` lists (fetched at check). */
  metadataCertificates?: string[];
}

/**
 * Validates and normalises the inputs without asking the workspace: every problem at once, each
 * naming its field. SAML fields missing from the inputs are derived from metadata (explicit fields
 * win); only a `metadataUrl` is fetched.
 */
export async function checkSsoProviderInputs(raw: Props, now: Date): Promise<{ checked?: CheckedProvider; failures: FieldProblem[]; warnings: FieldProblem[] }> {
  const parsed = ssoProviderInputsSchema.safeParse(raw);
  if (!parsed.success) return { failures: zodProblems(parsed.error), warnings: [] };
  const inputs: SsoProviderInputs = { ...parsed.data };
  const failures: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const url = (field: "signOnUrl" | "issuerUrl" | "metadataUrl") => {
    const value = inputs[field];
    const problem = value === undefined ? undefined : secureUrlProblem(value);
    if (problem) failures.push({ path: field, message: problem });
  };
  let certificate: ParsedCertificate | undefined;
  let metadataCertificates: string[] | undefined;

  if (inputs.protocol === "saml") {
    for (const field of ["issuerUrl", "clientId", "clientSecret", "scopes", "grantType", "sendLoginHint"] as const) {
      if (inputs[field] !== undefined) failures.push({ path: field, message: "applies to OIDC only; remove it for a SAML provider" });
    }
    url("metadataUrl");
    if (inputs.metadataXml !== undefined || (inputs.metadataUrl !== undefined && !failures.some((f) => f.path === "metadataUrl"))) {
      const field = inputs.metadataXml !== undefined ? "metadataXml" : "metadataUrl";
      try {
        const xml = inputs.metadataXml ?? (await fetchMetadata(inputs.metadataUrl!));
        const settings = deriveSamlSettings(parseIdpMetadata(xml), inputs.metadataEntityId ? { entityId: inputs.metadataEntityId } : {});
        if (inputs.metadataUrl !== undefined && inputs.metadataXml === undefined) metadataCertificates = settings.certificates.map((c) => c.fingerprintSha256);
        inputs.issuer ??= settings.issuer;
        inputs.signOnUrl ??= settings.signOnUrl;
        if (inputs.certificate === undefined) {
          const pick = pickSigningCertificate(settings.certificates, now);
          if (pick.certificate) inputs.certificate = pick.certificate.pem;
          if (pick.note) warnings.push({ path: field, message: pick.note });
        }
      } catch (err) {
        failures.push({ path: field, message: err instanceof Error ? err.message : String(err) });
      }
    }
    for (const field of ["signOnUrl", "issuer", "certificate"] as const) {
      if (!inputs[field] && !failures.some((f) => f.path.startsWith("metadata"))) {
        failures.push({ path: field, message: "is required for a SAML provider (or give metadataXml / metadataUrl)" });
      }
    }
    url("signOnUrl");
    if (inputs.certificate) {
      try {
        certificate = parseCertificate(inputs.certificate);
        inputs.certificate = certificate.pem;
        const expiry = certificateExpiry(certificate, now);
        if (expiry.status === "expired") failures.push({ path: "certificate", message: `expired on ${certificate.notAfter} (${certificate.subject}); IdP responses signed with it would be refused` });
        else if (expiry.status === "not-yet-valid") failures.push({ path: "certificate", message: `is not valid before ${certificate.notBefore}` });
        else if (expiry.status === "expiring") warnings.push({ path: "certificate", message: `expires in ${expiry.daysLeft} day(s), on ${certificate.notAfter}; rotate it in the IdP and here` });
      } catch (err) {
        failures.push({ path: "certificate", message: err instanceof Error ? err.message : String(err) });
      }
    }
  } else {
    for (const field of ["signOnUrl", "issuer", "certificate", "metadataXml", "metadataUrl", "metadataEntityId"] as const) {
      if (inputs[field] !== undefined) failures.push({ path: field, message: "applies to SAML only; remove it for an OIDC provider" });
    }
    inputs.scopes ??= [...DEFAULT_OIDC_SCOPES];
    inputs.grantType ??= "code";
    inputs.sendLoginHint ??= false;
    if (!inputs.issuerUrl) failures.push({ path: "issuerUrl", message: "is required for an OIDC provider" });
    url("issuerUrl");
    if (!inputs.clientId) failures.push({ path: "clientId", message: "is required for an OIDC provider" });
    if (inputs.grantType === "code" && !inputs.clientSecret) {
      failures.push({ path: "clientSecret", message: "is required for the code flow (grantType \"code\"); the implicit flow needs none" });
    }
    if (!inputs.scopes.includes("openid")) failures.push({ path: "scopes", message: "must include \"openid\" (OpenID Connect needs it to return an ID token)" });
  }
  warnings.push(...identityProviderHints(inputs));
  return { checked: { inputs, ...(certificate ? { certificate } : {}), ...(metadataCertificates ? { metadataCertificates } : {}) }, failures, warnings };
}

/** Whether the workspace's client secret was written since Pulumi last wrote or read it. */
function secretChangedOutside(recorded: Props | undefined, live: SsoProviderRecord | undefined): boolean {
  const at = recorded?.["clientSecretUpdatedAt"];
  return typeof at === "string" && live !== undefined && live.client_secret_updated_at !== at;
}

/** What happens to the client secret, from the declared one, the stack's record and the live provider. */
function secretChange(inputs: SsoProviderInputs, recorded: Props | undefined, live: SsoProviderRecord | undefined): SecretChange {
  if (inputs.protocol !== "oidc" || inputs.clientSecret === undefined) return "none";
  if (!live || !live.client_secret_set || recorded === undefined) return "set";
  if (!secretMatchesDigest(inputs.clientSecret, digestKey(), recorded["clientSecretDigest"])) return "rotated";
  return secretChangedOutside(recorded, live) ? "changed outside Pulumi" : "unchanged";
}

/** The declared inputs with the client secret as itself: the SDK seals it for the journey (see sealedSecret.ts). */
function withPlainSecret(inputs: SsoProviderInputs): SsoProviderInputs {
  if (inputs.clientSecret === undefined) return inputs;
  return { ...inputs, clientSecret: unsealSecret(inputs.clientSecret, workspace().connection.clientSecret) };
}

/** The key of the client secret's digest: derived from this stack's API key secret, which no log shows. */
function digestKey(): string {
  return createHash("sha256").update("pulumi-torq-sso/client-secret-digest\0").update(workspace().connection.clientSecret).digest("base64url");
}

/** The live provider and whether SSO-only login is on, read together. */
async function readLive(): Promise<{ live: SsoProviderRecord | undefined; ssoOnly: boolean }> {
  const client = workspace().client;
  const [live, settings] = await Promise.all([client.getSsoProvider(), client.getSsoSettings()]);
  return { live, ssoOnly: settings.sso_only };
}

/** The guard's refusals of a plan, as field problems (empty: it may be applied). */
function refusals(report: SsoProviderPlanReport): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (report.adoption?.refused) problems.push({ path: "", message: adoptionRefusal(report) });
  if (report.identityChange?.refused) problems.push({ path: "", message: identityChangeRefusal(report) });
  return problems;
}

async function apply(declared: SsoProviderInputs, recorded: Props | undefined): Promise<Props> {
  const inputs = withPlainSecret(declared);
  const client = workspace().client;
  const { live, ssoOnly } = await readLive();
  const secret = secretChange(inputs, recorded, live);
  // Applying re-judges against the workspace as it is now: it may have changed since the preview.
  const problems = refusals(planSsoProvider(inputs, { operation: recorded ? "update" : "create", live, ssoOnly, secret }));
  if (problems.length) throw new LockoutRefusedError(problems.map((p) => p.message).join("\n"));
  const needsSecret = secret !== "unchanged" && secret !== "none";
  const record = await client.putSsoProvider(toPayload(inputs, needsSecret), { allowLockout: inputs.allowLockout ?? false });
  const endpoints = await client.getSsoEndpoints();
  return outputsOf(declared, record, endpoints, needsSecret ? undefined : recorded?.["clientSecretDigest"]);
}

function outputsOf(inputs: SsoProviderInputs, record: SsoProviderRecord, endpoints: { login_redirect_url: string; audience: string }, digest: unknown): Props {
  const { clientSecret, ...rest } = inputs;
  const outs: Props = {
    ...rest,
    loginRedirectUrl: endpoints.login_redirect_url,
    audience: endpoints.audience,
    clientSecretUpdatedAt: record.client_secret_updated_at,
  };
  if (clientSecret !== undefined) {
    outs["clientSecretDigest"] = typeof digest === "string" ? digest : secretDigest(unsealSecret(clientSecret, workspace().connection.clientSecret), digestKey());
  }
  if (inputs.certificate) {
    const cert = parseCertificate(inputs.certificate);
    outs["certificateFingerprint"] = cert.fingerprintSha256;
    outs["certificateNotAfter"] = cert.notAfter;
  }
  return outs;
}

/** Why the provider cannot be managed here, as one check failure, or undefined when it can. */
async function workspaceProblem(): Promise<FieldProblem | undefined> {
  const client = workspace().client;
  if (await client.supportsProviderRoutes()) return undefined;
  try {
    await client.getSsoProvider(); // throws the client's one sentence for a server without the routes
  } catch (err) {
    if (err instanceof TorqUnsupportedError) return { path: "", message: err.message };
    throw err;
  }
  return undefined;
}

const DISABLE_WHILE_SSO_ONLY: FieldProblem = {
  path: "enabled",
  message:
    "refusing to disable the SSO provider while SSO-only login is enforced: that is a lockout (nobody could sign in). " +
    "Set ssoOnly: false on the SsoEnforcement resource and apply that first, then disable the provider.",
};

/** The inputs a create or update is judged on: whether the stack already has the resource (check receives old inputs). */
const isCreate = (olds: Props): boolean => !("protocol" in olds);

/** Reports a plan's summary as the preview prints it, cautions as warnings. */
function reportPlan(report: SsoProviderPlanReport): void {
  const lines = describeSsoProviderPlan(report).filter((line) => !line.startsWith("CAUTION: "));
  if (lines.length) report_(["SsoProvider plan:", ...lines.map((l) => `  ${l}`)].join("\n"));
  for (const caution of report.cautions) warn(`SsoProvider: ${caution}`);
}

/** The declared provider against the live one, reported for reviewers, as data. */
async function diffWithPlan(olds: Props, news: Props): Promise<{ changes: boolean; plan: SsoProviderPlanReport | undefined }> {
  if (containsUnknown(news)) return { changes: true, plan: undefined };
  const inputs = ssoProviderInputsSchema.parse(news);
  const { live, ssoOnly } = await readLive();
  const plan = planSsoProvider(inputs, { operation: "update", live, ssoOnly, secret: secretChange(withPlainSecret(inputs), olds, live) });
  reportPlan(plan);
  return { changes: plan.changes, plan };
}

export const ssoProviderProvider = {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    return oneLineErrors(async () => {
      const unsupported = await workspaceProblem();
      if (containsUnknown(news) || unsupported) return { inputs: news, failures: toCheckFailures(unsupported ? [unsupported] : []) };
      const { checked, failures, warnings } = await checkSsoProviderInputs(news, new Date());
      for (const w of warnings) warn(`SsoProvider ${w.path}: ${w.message}`);
      if (checked) {
        const { live, ssoOnly } = await readLive();
        if (checked.inputs.enabled === false && live !== undefined && ssoOnly) failures.unshift(DISABLE_WHILE_SSO_ONLY);
        const operation = isCreate(olds) ? "create" : "update";
        const report = planSsoProvider(checked.inputs, { operation, live, ssoOnly, secret: "none", metadataCertificates: checked.metadataCertificates });
        failures.push(...refusals(report));
        // A create gets no diff call: its plan is shown here.
        if (operation === "create" && failures.length === 0) reportPlan(report);
      }
      return { inputs: checked ? { ...checked.inputs } : news, failures: toCheckFailures(failures) };
    });
  },

  diff(_id: string, olds: Props, news: Props): Promise<{ changes: boolean }> {
    return oneLineErrors(async () => ({ changes: (await diffWithPlan(olds, news)).changes }));
  },

  /** `diff` with the plan it decided on (undefined while inputs are unknown), for the resource provider plugin's detailed diff. */
  diffWithPlan(olds: Props, news: Props): Promise<{ changes: boolean; plan: SsoProviderPlanReport | undefined }> {
    return oneLineErrors(() => diffWithPlan(olds, news));
  },

  create(news: Props): Promise<{ id: string; outs: Props }> {
    return oneLineErrors(async () => ({ id: SSO_PROVIDER_ID, outs: await apply(ssoProviderInputsSchema.parse(news), undefined) }));
  },

  update(_id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
    return oneLineErrors(async () => ({ outs: await apply(ssoProviderInputsSchema.parse(news), olds) }));
  },

  read(id: string, props: Props): Promise<{ id: string; props: Props }> {
    return oneLineErrors(async () => {
      const client = workspace().client;
      const live = await client.getSsoProvider();
      if (!live) return { id: "", props: {} };
      const endpoints = await client.getSsoEndpoints();
      const fromLive: Props = { ...settingsOf(live) };
      if (typeof fromLive["certificate"] === "string") fromLive["certificate"] = safePem(fromLive["certificate"]);
      for (const key of ["metadataXml", "metadataUrl", "metadataEntityId", "overwriteExisting", "allowLockout"]) {
        if (props[key] !== undefined) fromLive[key] = props[key];
      }
      // A secret written outside Pulumi no longer matches the recorded digest's secret: drop the
      // digest, so the next preview shows the declared secret as a change and up writes it again.
      const digest = live.client_secret_set && !secretChangedOutside(props, live) ? props["clientSecretDigest"] : undefined;
      const outs = outputsOf(ssoProviderInputsSchema.parse(fromLive), live, endpoints, undefined);
      delete outs["clientSecretDigest"];
      if (digest !== undefined) outs["clientSecretDigest"] = digest;
      return { id, props: outs };
    });
  },

  delete(_id: string, _props: Props): Promise<void> {
    return oneLineErrors(async () => {
      const client = workspace().client;
      if ((await client.getSsoSettings()).sso_only) {
        throw new LockoutRefusedError(
          "refusing to delete the SSO provider while SSO-only login is enforced: that is a lockout (nobody could sign in). " +
            "Set ssoOnly: false on the SsoEnforcement resource (or delete it) and apply that first, then delete the provider.",
        );
      }
      await client.deleteSsoProvider();
    });
  },
};

function safePem(text: string): string {
  try {
    return parseCertificate(text).pem;
  } catch {
    return text;
  }
}
