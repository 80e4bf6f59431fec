/**
 * The plan for a declared SSO provider, as data: the live settings it replaces and the declared ones
 * (never a secret), the certificate it brings (fingerprint, subject, expiry), whether the client
 * secret is rotated, and the two refusals of the lockout guard's provider side: taking over a
 * workspace's different provider unasked (`overwriteExisting`), and changing the provider's identity
 * while SSO-only login is on (`allowLockout`), when a mismatch with the IdP would let nobody in.
 */
import { parseCertificate } from "../saml";
import type { SsoProviderRecord } from "../schemas/api";
import type { SsoProviderInputs } from "../schemas/ssoProvider";
import { settingsOf, SSO_PROVIDER_FIELDS, type SsoProviderSettings } from "./ssoProviderFields";

/**
 * What the preview says when the client secret is rotated. A preview shows secrets as `[secret]`, so
 * `torq-sso review` learns of a rotation from this note.
 */
export const SECRET_ROTATED_NOTE = "clientSecret: rotated (value hidden)";

/** A certificate as a reviewer needs to see it. */
export interface CertificateSummary {
  fingerprintSha256: string;
  subject: string;
  notAfter: string;
}

/** The provider's settings without secrets, with the certificate summarised instead of its PEM. */
export type SsoProviderView = Omit<SsoProviderSettings, "certificate"> & { certificate?: CertificateSummary };

/** What happens to the client secret: sent because it is new or rotated, sent again after a change outside Pulumi, or left alone. */
export type SecretChange = "set" | "rotated" | "changed outside Pulumi" | "unchanged" | "none";

/** One setting that differs between the live provider and the declared one. */
export interface FieldChange {
  field: string;
  live: unknown;
  declared: unknown;
  /** Part of the provider's identity (see ssoProviderFields.ts). */
  identity: boolean;
}

/** Everything applying the declared provider will do, as data. */
export interface SsoProviderPlanReport {
  resource: "SsoProvider";
  operation: "create" | "update";
  changes: boolean;
  live: SsoProviderView | null;
  declared: SsoProviderView;
  changedFields: FieldChange[];
  /** The declared certificate when it differs from the live one; `listedInMetadata` null when no metadata URL tells. */
  newCertificate: (CertificateSummary & { listedInMetadata: boolean | null }) | null;
  secret: SecretChange;
  ssoOnly: boolean;
  /** A create over a workspace whose provider differs: refused unless `overwriteExisting`. */
  adoption: { overwriteExisting: boolean; refused: boolean } | null;
  /** Identity fields changing while SSO-only login is on: refused unless `allowLockout`. */
  identityChange: { fields: string[]; refused: boolean } | null;
  cautions: string[];
}

/** What planning needs besides the declared inputs (checked and normalised). */
export interface SsoProviderPlanInput {
  operation: "create" | "update";
  live: SsoProviderRecord | undefined;
  ssoOnly: boolean;
  secret: SecretChange;
  /** Fingerprints of the signing certificates the IdP's metadata at `metadataUrl` lists, when it was fetched. */
  metadataCertificates?: readonly string[] | undefined;
}

function certificateSummary(pem: string | undefined): CertificateSummary | undefined {
  if (pem === undefined) return undefined;
  try {
    const { fingerprintSha256, subject, notAfter } = parseCertificate(pem);
    return { fingerprintSha256, subject, notAfter };
  } catch {
    return { fingerprintSha256: "(does not parse)", subject: "", notAfter: "" };
  }
}

function viewOf(settings: SsoProviderSettings): SsoProviderView {
  const { certificate, ...rest } = settings;
  const summary = certificateSummary(certificate);
  return summary ? { ...rest, certificate: summary } : rest;
}

/** The declared settings (no secret), in the table's order. */
function declaredSettings(inputs: SsoProviderInputs): SsoProviderSettings {
  const settings: Record<string, unknown> = {};
  for (const field of SSO_PROVIDER_FIELDS) {
    const value = inputs[field.input];
    if (value !== undefined && (field.protocol === undefined || field.protocol === inputs.protocol)) settings[field.input] = value;
  }
  return settings as SsoProviderSettings;
}

function differs(field: string, live: unknown, declared: unknown): boolean {
  if (field === "certificate") return certificateSummary(live as string | undefined)?.fingerprintSha256 !== certificateSummary(declared as string | undefined)?.fingerprintSha256;
  return JSON.stringify(live) !== JSON.stringify(declared);
}

/** Plans the declared provider against the live one. */
export function planSsoProvider(inputs: SsoProviderInputs, input: SsoProviderPlanInput): SsoProviderPlanReport {
  const declared = declaredSettings(inputs);
  const live = input.live ? settingsOf(input.live) : undefined;
  const changedFields: FieldChange[] = [];
  if (live) {
    for (const field of SSO_PROVIDER_FIELDS) {
      const [was, will] = [live[field.input], declared[field.input]];
      if (will === undefined && was === undefined) continue;
      if (differs(field.input, was, will)) changedFields.push({ field: field.input, live: was ?? null, declared: will ?? null, identity: field.identity });
    }
  }
  const certificateChanged = !live || changedFields.some((c) => c.field === "certificate");
  const newSummary = certificateChanged ? certificateSummary(declared.certificate) : undefined;
  const listedInMetadata =
    newSummary && input.metadataCertificates !== undefined ? input.metadataCertificates.includes(newSummary.fingerprintSha256) : null;
  const newCertificate = newSummary ? { ...newSummary, listedInMetadata } : null;

  // A certificate change counts against the identity only when the IdP's published metadata does
  // not list the new one (a rollover it announced is what rotation should look like).
  const identityFields = changedFields
    .filter((c) => c.identity && (c.field !== "certificate" || listedInMetadata === false))
    .map((c) => c.field);
  const identityChange =
    input.ssoOnly && live && identityFields.length ? { fields: identityFields, refused: !(inputs.allowLockout ?? false) } : null;
  const adoption =
    input.operation === "create" && live && changedFields.length ? { overwriteExisting: inputs.overwriteExisting ?? false, refused: !inputs.overwriteExisting } : null;

  const cautions: string[] = [];
  if (input.ssoOnly && live && (certificateChanged || input.secret === "rotated" || input.secret === "changed outside Pulumi")) {
    cautions.push(
      "SSO-only login is on: if the IdP does not sign with this certificate or know this client secret, nobody can sign in; test a login (torq-sso test-login) right after up",
    );
  }
  if (identityChange && !identityChange.refused) cautions.push(`allowLockout is set: changing ${identityFields.join(", ")} while SSO-only login is on`);
  return {
    resource: "SsoProvider",
    operation: input.operation,
    changes: !live || changedFields.length > 0 || input.secret === "rotated" || input.secret === "changed outside Pulumi" || input.secret === "set",
    live: live ? viewOf(live) : null,
    declared: viewOf(declared),
    changedFields,
    newCertificate,
    secret: input.secret,
    ssoOnly: input.ssoOnly,
    adoption,
    identityChange,
    cautions,
  };
}

function show(field: string, value: unknown): string {
  if (value === null || value === undefined) return "(none)";
  if (field === "certificate") {
    const summary = certificateSummary(value as string);
    return summary ? `${summary.fingerprintSha256} (${summary.subject}, until ${summary.notAfter})` : "(none)";
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The changed settings as `field: live → declared` lines, certificates by fingerprint, subject and expiry. */
export function describeFieldChanges(report: SsoProviderPlanReport): string[] {
  return report.changedFields.map((c) => `~ ${c.field}: ${show(c.field, c.live)} → ${show(c.field, c.declared)}`);
}

/** The human summary a preview prints; empty when nothing changes. */
export function describeSsoProviderPlan(report: SsoProviderPlanReport): string[] {
  if (!report.changes) return [];
  const lines: string[] = [];
  if (!report.live) lines.push("+ creates the workspace's SSO provider");
  else if (report.operation === "create") lines.push("adopts the workspace's existing SSO provider (overwriteExisting):");
  else if (report.operation === "update" && report.changedFields.length === 0 && report.secret === "none") lines.push("drift: the workspace has no SSO provider any more; up creates it again");
  lines.push(...describeFieldChanges(report));
  if (report.newCertificate) {
    const listed = report.newCertificate.listedInMetadata === null ? "" : report.newCertificate.listedInMetadata ? "; the IdP's metadata lists it" : "; the IdP's metadata does NOT list it";
    lines.push(`certificate: ${report.newCertificate.fingerprintSha256}, ${report.newCertificate.subject}, valid until ${report.newCertificate.notAfter}${listed}`);
  }
  if (report.secret === "rotated") lines.push(`~ ${SECRET_ROTATED_NOTE}`);
  if (report.secret === "changed outside Pulumi") lines.push("drift: the client secret was changed outside Pulumi; up sets the declared one again (value hidden)");
  for (const caution of report.cautions) lines.push(`CAUTION: ${caution}`);
  return lines;
}

/** The refusal of a create over a workspace whose provider differs, naming the live values and the way out. */
export function adoptionRefusal(report: SsoProviderPlanReport): string {
  return [
    "refusing to take over the workspace's existing SSO provider, which differs from the declared one (live → declared):",
    ...describeFieldChanges(report).map((line) => `  ${line}`),
    "To proceed: declare the provider the workspace has (the first preview then shows no change), or set overwriteExisting: true on the SsoProvider resource to replace its settings.",
  ].join("\n");
}

/** The refusal of an identity change while SSO-only login is on, naming the fields and the way out. */
export function identityChangeRefusal(report: SsoProviderPlanReport): string {
  const fields = report.identityChange?.fields ?? [];
  const unlisted = fields.includes("certificate") ? " (the IdP's metadata at metadataUrl does not list the new certificate)" : "";
  return [
    `lockout guard: refusing to change the SSO provider's ${fields.join(", ")}${unlisted} while SSO-only login is enforced: if the new settings do not match the IdP, nobody can sign in.`,
    ...describeFieldChanges(report)
      .filter((line) => fields.some((f) => line.startsWith(`~ ${f}:`)))
      .map((line) => `  ${line}`),
    "To proceed: turn SSO-only login off first (ssoOnly: false on the SsoEnforcement, pulumi up), change the provider and test a login with it (torq-sso test-login), then turn SSO-only login back on; or set allowLockout: true on the SsoProvider resource deliberately.",
  ].join("\n");
}
