/**
 * Who is calling: the `Authorization: Bearer` token of an API request, as Torq answers it — 302 for
 * an expired token, 401 for a missing or invalid one, 403 for a role without `user.write`.
 */
import type { IncomingMessage } from "node:http";
import { ApiError, GRPC_CODE, permissionDenied, unauthenticated } from "../http/apiError";
import type { Principal } from "../store/apiKeys";
import { lookupAccessToken } from "../store/accessTokens";
import type { WorkspaceDatabase } from "../store/database";
import { USER_WRITE_SCOPE } from "../store/presetRoles";

/** Torq's words for an expired token. */
export const EXPIRED_TOKEN_MESSAGE = "You need to generate a new bearer token";

/** The path of the client-credentials token endpoint (on the API's own host, for a local workspace). */
export const TOKEN_PATH = "/v1/auth/token";

/** The principal behind the request's bearer token; throws the 302 / 401 to answer otherwise. */
export function authenticateBearer(db: WorkspaceDatabase, req: IncomingMessage, workspaceUrl: string, now: number): Principal {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? "");
  if (match === null) {
    throw unauthenticated(`missing bearer token: send Authorization: Bearer <access_token from POST ${TOKEN_PATH}>`);
  }
  const found = lookupAccessToken(db, match[1]!, now);
  if (found.kind === "unknown") throw unauthenticated("invalid bearer token");
  if (found.kind === "expired") {
    throw new ApiError(302, GRPC_CODE.UNAUTHENTICATED, "UNAUTHENTICATED", EXPIRED_TOKEN_MESSAGE, undefined, {
      Location: workspaceUrl + TOKEN_PATH,
    });
  }
  return found.principal;
}

/** Throws 403 unless the key's role has `user.write`, which every SSO and claim-mapping call needs. */
export function requireUserWriteScope(principal: Principal): void {
  if (!principal.scopes.includes(USER_WRITE_SCOPE)) {
    throw permissionDenied(`the API key's role lacks the ${USER_WRITE_SCOPE} scope; use a key of a role that has it (e.g. Owner)`);
  }
}
