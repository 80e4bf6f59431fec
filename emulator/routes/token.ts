/**
 * [Torq] `POST /v1/auth/token`: the client-credentials grant, with the API key as HTTP Basic
 * credentials and `grant_type=client_credentials` as a form field.
 */
import type { IncomingMessage } from "node:http";
import type { TokenResponse } from "../../provider/schemas/api";
import { TOKEN_PATH } from "../auth/bearer";
import { invalidArgument, unauthenticated } from "../http/apiError";
import { ok, type Reply } from "../http/reply";
import type { RouteTable } from "../http/routeTable";
import { readFormBody } from "../http/requestBody";
import { issueAccessToken } from "../store/accessTokens";
import { authenticateApiKey } from "../store/apiKeys";
import { openRoute, type RequestContext, type Route } from "./context";

function basicCredentials(req: IncomingMessage): { clientId: string; clientSecret: string } {
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(req.headers.authorization ?? "");
  const decoded = match === null ? "" : Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) throw unauthenticated("HTTP Basic credentials are required: base64 of client_id:client_secret");
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

async function issueToken(ctx: RequestContext): Promise<Reply> {
  const { clientId, clientSecret } = basicCredentials(ctx.req);
  const { db, apiKeys, tokenTtlSeconds } = ctx.runtime;
  const principal = await authenticateApiKey(db, apiKeys, clientId, clientSecret);
  if (principal === undefined) throw unauthenticated("invalid client credentials");
  const grantType = (await readFormBody(ctx.req)).get("grant_type");
  if (grantType === null || grantType === "") throw invalidArgument("grant_type", "grant_type is required (client_credentials)");
  if (grantType !== "client_credentials") throw invalidArgument("grant_type", "grant_type must be client_credentials");
  const token: TokenResponse = {
    access_token: issueAccessToken(db, principal.clientId, tokenTtlSeconds, ctx.now),
    expires_in: tokenTtlSeconds,
    token_type: "Bearer",
  };
  return ok(token);
}

/** Adds the token endpoint to `table`. */
export function addTokenRoutes(table: RouteTable<Route>): void {
  table.add("POST", TOKEN_PATH, openRoute(issueToken));
}
