/** What the login flows need from the running workspace: its database, where the IdP answers, and the clock. */
import type { WorkspaceDatabase } from "../store/database";
import { LOCAL_AUDIENCE, LOGIN_HANDLER_PATH } from "../routes/ssoProvider";

/** One login step, as the OIDC and SAML flows see it. */
export interface LoginContext {
  readonly db: WorkspaceDatabase;
  /** The workspace's base URL, e.g. http://127.0.0.1:8080. */
  readonly workspaceUrl: string;
  readonly now: number;
}

/**
 * Where the IdP sends users back: the workspace's Login Redirect URL (GET /sso/endpoints), which is
 * both the OIDC redirect URI and the SAML Assertion Consumer Service URL, as on Torq.
 */
export function loginRedirectUrl(ctx: Pick<LoginContext, "workspaceUrl">): string {
  return ctx.workspaceUrl + LOGIN_HANDLER_PATH;
}

/** The SAML SP entity ID and audience the workspace announces (GET /sso/endpoints). */
export const SP_AUDIENCE = LOCAL_AUDIENCE;
