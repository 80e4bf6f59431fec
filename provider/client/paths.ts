/**
 * Every route the provider calls, in one place, so pointing the client at a different API shape is a
 * one-file change. Torq documents the token, roles and claim-mapping routes; the rest are [local]
 * (see CONTRACT.md section 5).
 */
import { API_BASE_PATH } from "../schemas/api";

export const TOKEN_PATH = "/v1/auth/token";

export const paths = {
  roles: `${API_BASE_PATH}/roles`,
  claimMappings: `${API_BASE_PATH}/sso/claim_mappings`,
  claimMapping: (id: string) => `${API_BASE_PATH}/sso/claim_mappings/${encodeURIComponent(id)}`,
  /** [local] */
  provider: `${API_BASE_PATH}/sso/provider`,
  /** [local] */
  endpoints: `${API_BASE_PATH}/sso/endpoints`,
  /** [local] */
  settings: `${API_BASE_PATH}/sso/settings`,
} as const;
