/**
 * The SSO provider's fields once: each input's name in the program and in the workspace API
 * (snake_case), the protocol it belongs to, and whether it is part of the provider's identity — what
 * the IdP must agree with for anyone to sign in. The payload, the comparison with the live provider
 * and `read` all go by this table.
 */
import type { PutSsoProvider, SsoProviderRecord } from "../schemas/api";
import type { SsoProviderInputs } from "../schemas/ssoProvider";

/** One field of the provider, as the program and the API name it. */
export interface SsoProviderField {
  input: keyof SsoProviderInputs & keyof SsoProviderSettings;
  api: keyof SsoProviderRecord & keyof PutSsoProvider;
  protocol?: "saml" | "oidc";
  /** Changing it while SSO-only login is on can lock everyone out, so the guard refuses it then. */
  identity: boolean;
}

export const SSO_PROVIDER_FIELDS: readonly SsoProviderField[] = [
  { input: "protocol", api: "protocol", identity: true },
  { input: "identityProvider", api: "identity_provider", identity: false },
  { input: "enabled", api: "enabled", identity: false },
  { input: "signOnUrl", api: "sign_on_url", protocol: "saml", identity: true },
  { input: "issuer", api: "issuer", protocol: "saml", identity: true },
  { input: "certificate", api: "certificate", protocol: "saml", identity: true },
  { input: "issuerUrl", api: "issuer_url", protocol: "oidc", identity: true },
  { input: "clientId", api: "client_id", protocol: "oidc", identity: true },
  { input: "scopes", api: "scopes", protocol: "oidc", identity: false },
  { input: "grantType", api: "grant_type", protocol: "oidc", identity: false },
  { input: "sendLoginHint", api: "send_login_hint", protocol: "oidc", identity: false },
];

/** The provider's settings without secrets, in the program's names: what is compared, shown and read back. */
export type SsoProviderSettings = Pick<
  SsoProviderInputs,
  "protocol" | "identityProvider" | "enabled" | "signOnUrl" | "issuer" | "certificate" | "issuerUrl" | "clientId" | "scopes" | "grantType" | "sendLoginHint"
>;

function applies(field: SsoProviderField, protocol: string): boolean {
  return field.protocol === undefined || field.protocol === protocol;
}

/** The PUT body for the declared provider; the client secret only when it must be (re)sent. */
export function toPayload(inputs: SsoProviderInputs, includeSecret: boolean): PutSsoProvider {
  const payload: Record<string, unknown> = {};
  for (const field of SSO_PROVIDER_FIELDS) {
    const value = inputs[field.input];
    if (applies(field, inputs.protocol) && value !== undefined) payload[field.api] = value;
  }
  if (inputs.protocol === "oidc" && includeSecret && inputs.clientSecret !== undefined) payload["client_secret"] = inputs.clientSecret;
  return payload as PutSsoProvider;
}

/** The live provider's settings, in the program's names. */
export function settingsOf(record: SsoProviderRecord): SsoProviderSettings {
  const settings: Record<string, unknown> = {};
  for (const field of SSO_PROVIDER_FIELDS) {
    const value = record[field.api];
    if (value !== undefined && applies(field, record.protocol)) settings[field.input] = value;
  }
  return settings as SsoProviderSettings;
}
