/**
 * [local] Turning a `PUT /sso/provider` payload into the stored provider: per-protocol required and
 * forbidden fields, OIDC defaults, and the write-only client secret (kept only sealed; its
 * `client_secret_updated_at` moves only when a different secret is written).
 */
import { X509Certificate } from "node:crypto";
import type { z } from "zod";
import type { putSsoProviderSchema, SsoProviderRecord } from "../provider/schemas/api";
import { invalidArgument } from "./http/apiError";
import type { ClientSecretVault } from "./login/clientSecretVault";
import type { StoredSsoProvider } from "./store/ssoProvider";

type ProviderPayload = z.output<typeof putSsoProviderSchema>;

const SAML_FIELDS = ["sign_on_url", "issuer", "certificate"] as const;
const OIDC_FIELDS = ["issuer_url", "client_id", "client_secret", "scopes", "grant_type", "send_login_hint"] as const;

/** Torq's default OIDC scopes. */
export const DEFAULT_OIDC_SCOPES: readonly string[] = ["openid", "email", "profile"];

function requireText(payload: ProviderPayload, field: "sign_on_url" | "issuer" | "certificate" | "issuer_url" | "client_id"): string {
  const value = payload[field];
  if (value === undefined) throw invalidArgument(field, `${field} is required for protocol ${payload.protocol}`);
  if (value.trim() === "") throw invalidArgument(field, `${field} must not be empty`);
  return value;
}

function requireHttpUrl(payload: ProviderPayload, field: "sign_on_url" | "issuer_url"): string {
  const value = requireText(payload, field);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidArgument(field, `${field} must be an absolute http(s) URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalidArgument(field, `${field} must be an absolute http(s) URL`);
  return value;
}

/** A PEM certificate, or bare base64 of its DER, as the contract allows. */
function requireCertificate(payload: ProviderPayload): string {
  const value = requireText(payload, "certificate");
  const body = value.includes("-----BEGIN") ? value : Buffer.from(value.replace(/\s+/g, ""), "base64");
  try {
    new X509Certificate(body);
  } catch {
    throw invalidArgument("certificate", "certificate must be an X.509 certificate, PEM or base64 DER");
  }
  return value;
}

function forbidFields(payload: ProviderPayload, fields: readonly (keyof ProviderPayload)[], family: string): void {
  const present = fields.find((field) => payload[field] !== undefined);
  if (present !== undefined) {
    throw invalidArgument(present, `${present} is an ${family} field; it does not apply to protocol ${payload.protocol}`);
  }
}

function samlRecord(payload: ProviderPayload): Partial<SsoProviderRecord> {
  forbidFields(payload, OIDC_FIELDS, "OIDC");
  return {
    sign_on_url: requireHttpUrl(payload, "sign_on_url"),
    issuer: requireText(payload, "issuer"),
    certificate: requireCertificate(payload),
  };
}

function oidcRecord(payload: ProviderPayload): Partial<SsoProviderRecord> {
  forbidFields(payload, SAML_FIELDS, "SAML");
  const scopes = payload.scopes ?? [...DEFAULT_OIDC_SCOPES];
  const blank = scopes.findIndex((scope) => scope.trim() === "");
  if (blank !== -1) throw invalidArgument(`scopes[${blank}]`, "scopes must not contain empty strings");
  return {
    issuer_url: requireHttpUrl(payload, "issuer_url"),
    client_id: requireText(payload, "client_id"),
    scopes,
    grant_type: payload.grant_type ?? "code",
    send_login_hint: payload.send_login_hint ?? false,
  };
}

/** The sealed secret and its timestamp after this PUT: kept, replaced, or (SAML) cleared. */
function clientSecretAfter(
  payload: ProviderPayload,
  stored: StoredSsoProvider | undefined,
  now: string,
  vault: ClientSecretVault,
): { sealed: string | null; updatedAt: string | null } {
  if (payload.protocol !== "oidc") return { sealed: null, updatedAt: null };
  const storedSealed = stored?.record.protocol === "oidc" ? stored.clientSecretSealed : null;
  const storedAt = storedSealed === null ? null : (stored?.record.client_secret_updated_at ?? null);
  const secret = payload.client_secret;
  if (secret !== undefined) {
    if (secret.trim() === "") throw invalidArgument("client_secret", "client_secret must not be empty");
    if (storedSealed !== null && vault.holds(storedSealed, secret)) return { sealed: storedSealed, updatedAt: storedAt };
    return { sealed: vault.seal(secret), updatedAt: now };
  }
  if (storedSealed === null && (payload.grant_type ?? "code") === "code") {
    throw invalidArgument("client_secret", "client_secret is required for grant_type code (none is stored yet)");
  }
  return { sealed: storedSealed, updatedAt: storedAt };
}

/** The provider to store for `payload`, replacing `stored`; throws a 400 naming the field at fault. */
export function buildSsoProvider(
  payload: ProviderPayload,
  stored: StoredSsoProvider | undefined,
  now: string,
  vault: ClientSecretVault,
): StoredSsoProvider {
  const fields = payload.protocol === "saml" ? samlRecord(payload) : oidcRecord(payload);
  const secret = clientSecretAfter(payload, stored, now, vault);
  const record: SsoProviderRecord = {
    protocol: payload.protocol,
    identity_provider: payload.identity_provider,
    enabled: payload.enabled,
    ...fields,
    client_secret_set: secret.sealed !== null,
    client_secret_updated_at: secret.updatedAt,
    updated_at: now,
  };
  return { record, clientSecretSealed: secret.sealed };
}
