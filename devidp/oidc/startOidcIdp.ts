/**
 * A real OpenID Connect provider for development and tests: `oidc-provider` (a certified
 * implementation) on a loopback port, with the test users, one registered client, the code and
 * implicit flows, and `email` and `groups` claims. Signing in needs no password: the interaction
 * page is a form that picks a test user (`?user=NAME` on it skips the form), and consent is implied.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Provider, type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { memoryAdapterFactory } from "./memoryAdapter";
import { escapeHtml, readForm, sendHtml, signInPage } from "../html";
import { DEFAULT_TEST_USERS, findTestUser, type TestUser } from "../users";

/** The client the workspace signs in as. */
export interface OidcClientRegistration {
  clientId: string;
  clientSecret: string;
  /** The workspace's Login Redirect URL(s). */
  redirectUris: string[];
}

/** How to start the dev OIDC provider. */
export interface OidcIdpOptions {
  client: OidcClientRegistration;
  users?: readonly TestUser[];
  /** Default 0 (any free port). */
  port?: number;
  host?: string;
}

/** A running dev OIDC provider. */
export interface OidcIdp {
  /** The issuer URL, e.g. http://127.0.0.1:9000 (its discovery document is under /.well-known/openid-configuration). */
  readonly issuer: string;
  readonly client: OidcClientRegistration;
  readonly users: readonly TestUser[];
  close(): Promise<void>;
}

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/;

/** The scopes and the claims each releases; `groups` also comes with `profile`, so default scopes carry it. */
const CLAIMS_BY_SCOPE = {
  openid: ["sub"],
  email: ["email", "email_verified"],
  profile: ["name", "groups"],
  groups: ["groups"],
};

function configuration(options: OidcIdpOptions, users: readonly TestUser[]): Configuration {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: `dev-${randomBytes(4).toString("hex")}`, alg: "RS256", use: "sig" };
  return {
    clients: [
      {
        client_id: options.client.clientId,
        client_secret: options.client.clientSecret,
        redirect_uris: options.client.redirectUris,
        response_types: ["code", "id_token"],
        grant_types: ["authorization_code", "implicit"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    adapter: memoryAdapterFactory(),
    jwks: { keys: [jwk] },
    // Short lives: a dev IdP only ever serves sign-ins that complete in seconds.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: CLAIMS_BY_SCOPE,
    scopes: ["openid", "email", "profile", "groups"],
    responseTypes: ["code", "id_token"],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, id) => {
      const user = findTestUser(users, id);
      if (user === undefined) return undefined;
      return {
        accountId: user.name,
        claims: async () => ({ sub: user.name, email: user.email, email_verified: true, name: user.displayName, groups: [...user.groups] }),
      };
    },
    // Consent is implied for the one first-party client: every requested scope is granted.
    loadExistingGrant: async (ctx) => {
      const session = ctx.oidc.session!;
      const clientId = ctx.oidc.client!.clientId;
      const existing = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId: session.accountId! });
      grant.addOIDCScope(String(ctx.oidc.params?.["scope"] ?? "openid"));
      await grant.save();
      session.grantIdFor(clientId, grant.jti);
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = `<!doctype html><title>oidc error</title><h1>${escapeHtml(String(out["error"]))}</h1><p>${escapeHtml(String(out["error_description"] ?? ""))}</p>`;
    },
  };
}

async function serveInteraction(provider: Provider, users: readonly TestUser[], req: IncomingMessage, res: ServerResponse, uid: string, posted: boolean): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name !== "login") {
    // Consent is granted by loadExistingGrant; nothing else is ever asked.
    await provider.interactionFinished(req, res, { consent: {} }, { mergeWithLastSubmission: true });
    return;
  }
  const url = new URL(req.url ?? "/", "http://idp.invalid");
  const chosen = posted ? (await readForm(req)).get("user") : url.searchParams.get("user");
  const user = findTestUser(users, chosen);
  if (user !== undefined) {
    await provider.interactionFinished(req, res, { login: { accountId: user.name } }, { mergeWithLastSubmission: false });
    return;
  }
  const hint = details.params["login_hint"];
  sendHtml(
    res,
    chosen ? 400 : 200,
    signInPage({
      title: "Dev OIDC IdP — sign in",
      action: `/interaction/${uid}/login`,
      users,
      selected: findTestUser(users, typeof hint === "string" ? hint : undefined),
      error: chosen ? `no test user "${chosen}"` : undefined,
    }),
  );
}

interface ClientSchemaPrototype {
  invalidate(message: string, code?: string): void;
}

/**
 * oidc-provider refuses http redirect URIs for implicit-flow web clients; the workspace's Login
 * Redirect URL is http on loopback, so this lifts that one rule, as oidc-provider's own recipe for
 * development ("implicit-force-https", "implicit-forbid-localhost") does. Dev-only, like this IdP.
 */
function allowLoopbackHttpForImplicit(provider: Provider): void {
  const schema = (provider.Client as unknown as { Schema: { prototype: ClientSchemaPrototype } }).Schema.prototype;
  const invalidate = schema.invalidate;
  schema.invalidate = function (this: ClientSchemaPrototype, message: string, code?: string) {
    if (code === "implicit-force-https" || code === "implicit-forbid-localhost") return;
    invalidate.call(this, message, code);
  };
}

/** Starts the dev OIDC provider on loopback and resolves once it is listening. */
export async function startOidcIdp(options: OidcIdpOptions): Promise<OidcIdp> {
  const users = options.users ?? DEFAULT_TEST_USERS;
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const issuer = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  const provider = new Provider(issuer, configuration(options, users));
  allowLoopbackHttpForImplicit(provider);
  const oidcCallback = provider.callback();
  handle = (req, res) => {
    const match = INTERACTION_PATH.exec(new URL(req.url ?? "/", issuer).pathname);
    if (match === null) return void oidcCallback(req, res);
    serveInteraction(provider, users, req, res, match[1]!, match[2] !== undefined && req.method === "POST").catch((err: unknown) => {
      if (!res.headersSent) sendHtml(res, 400, `<!doctype html><title>interaction error</title><p>${escapeHtml(String(err instanceof Error ? err.message : err))}</p>`);
    });
  };
  return {
    issuer,
    client: options.client,
    users,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
