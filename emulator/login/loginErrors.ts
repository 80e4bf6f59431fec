/**
 * Why a login was refused. One class with a stable string `code` per case, so tests and the login
 * log name the case, and a message a user can act on; it never carries a token, a secret or the
 * IdP's answer itself. It is an `ApiError`, so the workspace answers it in Torq's error body, with
 * the code in the ErrorInfo metadata as `login_error`.
 */
import type { ApiErrorBody } from "../../provider/schemas/api";
import { ApiError, GRPC_CODE } from "../http/apiError";

/** The cases, by what went wrong. */
export type LoginErrorCode =
  // The workspace cannot start or finish a login at all.
  | "NO_PROVIDER"
  | "PROVIDER_DISABLED"
  | "PROVIDER_CHANGED"
  | "CLIENT_SECRET_UNAVAILABLE"
  | "IDP_UNREACHABLE"
  | "BAD_CALLBACK"
  // The IdP's answer does not prove who signed in.
  | "OIDC_STATE_UNKNOWN"
  | "OIDC_STATE_REPLAYED"
  | "OIDC_STATE_EXPIRED"
  | "OIDC_IDP_ERROR"
  | "OIDC_INVALID_RESPONSE"
  | "SAML_NOT_XML"
  | "SAML_SIGNATURE_WRAPPING"
  | "SAML_SIGNATURE_INVALID"
  | "SAML_ASSERTION_UNSIGNED"
  | "SAML_WRONG_ISSUER"
  | "SAML_WRONG_AUDIENCE"
  | "SAML_WRONG_DESTINATION"
  | "SAML_EXPIRED"
  | "SAML_NOT_YET_VALID"
  | "SAML_REQUEST_UNKNOWN"
  | "SAML_REPLAYED"
  | "SAML_REQUEST_EXPIRED"
  | "SAML_CERTIFICATE_EXPIRED"
  | "SAML_CERTIFICATE_NOT_YET_VALID"
  | "SAML_IDP_ERROR"
  | "SAML_INVALID_RESPONSE"
  | "SAML_CONFLICTING_CLAIMS"
  // The identity is proven, but the workspace does not let it in.
  | "NO_MATCHING_RULE"
  | "ROLE_UNKNOWN";

const STATUS: Readonly<Record<LoginErrorCode, 400 | 401 | 403 | 404 | 409 | 502>> = {
  NO_PROVIDER: 404,
  PROVIDER_DISABLED: 403,
  PROVIDER_CHANGED: 409,
  CLIENT_SECRET_UNAVAILABLE: 409,
  IDP_UNREACHABLE: 502,
  BAD_CALLBACK: 400,
  OIDC_STATE_UNKNOWN: 401,
  OIDC_STATE_REPLAYED: 401,
  OIDC_STATE_EXPIRED: 401,
  OIDC_IDP_ERROR: 401,
  OIDC_INVALID_RESPONSE: 401,
  SAML_NOT_XML: 400,
  SAML_SIGNATURE_WRAPPING: 401,
  SAML_SIGNATURE_INVALID: 401,
  SAML_ASSERTION_UNSIGNED: 401,
  SAML_WRONG_ISSUER: 401,
  SAML_WRONG_AUDIENCE: 401,
  SAML_WRONG_DESTINATION: 401,
  SAML_EXPIRED: 401,
  SAML_NOT_YET_VALID: 401,
  SAML_REQUEST_UNKNOWN: 401,
  SAML_REPLAYED: 401,
  SAML_REQUEST_EXPIRED: 401,
  SAML_CERTIFICATE_EXPIRED: 401,
  SAML_CERTIFICATE_NOT_YET_VALID: 401,
  SAML_IDP_ERROR: 401,
  SAML_INVALID_RESPONSE: 401,
  SAML_CONFLICTING_CLAIMS: 401,
  NO_MATCHING_RULE: 403,
  ROLE_UNKNOWN: 403,
};

const REASON_BY_STATUS = {
  400: { code: GRPC_CODE.INVALID_ARGUMENT, reason: "INVALID_ARGUMENT" },
  401: { code: GRPC_CODE.UNAUTHENTICATED, reason: "UNAUTHENTICATED" },
  403: { code: GRPC_CODE.PERMISSION_DENIED, reason: "PERMISSION_DENIED" },
  404: { code: GRPC_CODE.NOT_FOUND, reason: "NOT_FOUND" },
  409: { code: GRPC_CODE.FAILED_PRECONDITION, reason: "CONFLICT" },
  502: { code: GRPC_CODE.UNAVAILABLE, reason: "UNAVAILABLE" },
} as const;

/** A refused login: HTTP status by case, `code` the case's stable name. */
export class LoginError extends ApiError {

  constructor(
    readonly loginCode: LoginErrorCode,
    message: string,
    /** Who tried, when the answer proved it (the login log records it). */
    readonly email: string | null = null,
  ) {
    const status = STATUS[loginCode];
    super(status, REASON_BY_STATUS[status].code, REASON_BY_STATUS[status].reason, message);
  }

  override toBody(torqCompatible: boolean): ApiErrorBody {
    const body = super.toBody(torqCompatible);
    const [info] = body.details as { metadata?: Record<string, string> }[];
    if (info !== undefined) info.metadata = { ...info.metadata, login_error: this.loginCode };
    return body;
  }
}
