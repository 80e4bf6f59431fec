/**
 * A local workspace (test hooks on) with the dev OIDC and SAML IdPs beside it on loopback, the Owner
 * key's client, and helpers to declare the provider and the rules by role name, sign users in
 * headlessly, and post hand-made SAML answers.
 */
import { expect } from "chai";
import { TorqClient } from "../../provider/client/client";
import type { PutSsoProvider } from "../../provider/schemas/api";
import { startWorkspace, type Workspace, type WorkspaceOptions } from "../../emulator";
import { loginLogSchema, type LoginRecord } from "../../emulator/login/loginResult";
import { signInHeadlessly, type HeadlessSignInOptions, type HeadlessSignInOutcome } from "../../cli/userAgent/headlessSignIn";
import { readRedirectAuthnRequest, startDevIdps, type AuthnRequestSummary, type DevIdps } from "../../devidp";

/** A rule by role name, as a test declares it. */
export type Rule = [claimName: string, claimValue: string, role: string];

/** The rules most tests use: the owner by e-mail, then groups, broadest last. */
export const RULES: readonly Rule[] = [
  ["email", "owner@example.com", "Owner"],
  ["groups", "platform-admins", "Contributor"],
  ["groups", "engineering", "Operator"],
  ["groups", "everyone", "Viewer"],
];

export interface LoginFixture {
  workspace: Workspace;
  idps: DevIdps;
  client: TorqClient;
  /** Replaces the workspace's rules with `rules`, in order. */
  setRules(rules: readonly Rule[]): Promise<void>;
  putProvider(provider: PutSsoProvider): Promise<void>;
  useOidc(overrides?: Partial<PutSsoProvider>): Promise<void>;
  useSaml(overrides?: Partial<PutSsoProvider>): Promise<void>;
  signIn(user: string, options?: Partial<HeadlessSignInOptions>): Promise<HeadlessSignInOutcome>;
  /** `user`'s role, failing the test when refused. */
  roleOf(user: string): Promise<string>;
  logins(): Promise<LoginRecord[]>;
  /** Starts a SAML login and returns the AuthnRequest the workspace sent. */
  startSamlLogin(): Promise<AuthnRequestSummary>;
  /** POSTs a SAML Response (XML) to the workspace's ACS URL. */
  postSamlResponse(xml: string): Promise<{
    status: number;
    body: { message?: string; details?: { metadata?: Record<string, string> }[]; role?: string; email?: string; claims?: Record<string, string | string[]> };
  }>;
  close(): Promise<void>;
}

export async function startLoginFixture(options: WorkspaceOptions = {}): Promise<LoginFixture> {
  const workspace = await startWorkspace({ port: 0, testHooks: true, rateLimitPerSecond: null, ...options });
  const idps = await startDevIdps({ redirectUri: `${workspace.url}/__/auth/handler`, clientSecret: "dev-oidc-client-secret" });
  const client = new TorqClient({ apiUrl: workspace.url, authUrl: workspace.url, clientId: workspace.ownerKey.client_id, clientSecret: workspace.ownerKey.client_secret });
  const fixture: LoginFixture = {
    workspace,
    idps,
    client,
    async setRules(rules) {
      const roles = new Map((await client.listRoles()).map((role) => [role.name, role.id]));
      const live = (await client.listClaimMappings()).items;
      // Add first, then delete the old ones: the owner rule is never absent while a provider exists.
      for (const [claim_name, claim_value, role] of rules) {
        await client.createClaimMapping({ claim_name, claim_value, role_id: roles.get(role)! });
      }
      for (const rule of live) await client.deleteClaimMapping(rule.id, { allowLockout: true });
    },
    async putProvider(provider) {
      await client.putSsoProvider(provider);
    },
    async useOidc(overrides = {}) {
      await client.putSsoProvider({
        protocol: "oidc",
        issuer_url: idps.oidc.issuer,
        client_id: idps.oidc.client.clientId,
        client_secret: idps.oidc.client.clientSecret,
        grant_type: "code",
        ...overrides,
      } as PutSsoProvider);
    },
    async useSaml(overrides = {}) {
      await client.putSsoProvider({
        protocol: "saml",
        sign_on_url: idps.saml.signOnUrl,
        issuer: idps.saml.entityId,
        certificate: idps.saml.signer.certificatePem,
        ...overrides,
      } as PutSsoProvider);
    },
    signIn: (user, more = {}) => signInHeadlessly({ workspaceUrl: workspace.url, user, ...more }),
    async roleOf(user) {
      const outcome = await fixture.signIn(user);
      if (!outcome.granted) expect.fail(`${user} was refused: ${outcome.message}`);
      return outcome.result.role;
    },
    async logins() {
      const response = await fetch(`${workspace.url}/_local/logins`);
      return loginLogSchema.parse(await response.json()).logins;
    },
    async startSamlLogin() {
      const response = await fetch(`${workspace.url}/sso/login`, { redirect: "manual" });
      expect(response.status).to.equal(302);
      const location = new URL(response.headers.get("location")!);
      return readRedirectAuthnRequest(location.searchParams.get("SAMLRequest")!);
    },
    async postSamlResponse(xml) {
      const response = await fetch(`${workspace.url}/__/auth/handler`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ SAMLResponse: Buffer.from(xml, "utf8").toString("base64") }).toString(),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    async close() {
      await idps.close();
      await workspace.close();
    },
  };
  return fixture;
}

/** The `login_error` an error answer names. */
export function loginErrorOf(body: { details?: { metadata?: Record<string, string> }[] }): string | undefined {
  return body.details?.[0]?.metadata?.["login_error"];
}
