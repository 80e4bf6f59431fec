import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { ssoEndpointsSchema, ssoProviderSchema, type SsoProviderRecord } from "../../provider/schemas/api";
import { SAML_PROVIDER, TEST_CERTIFICATE, api, expectApiError, startTestWorkspace, type TestWorkspace } from "./workspaceHarness";

const OIDC_PROVIDER = {
  protocol: "oidc",
  identity_provider: "entra-id",
  issuer_url: "https://login.example.test/tenant/v2.0",
  client_id: "torq-app",
} as const;

const SECRET = "s3cr3t-value-never-echoed";

describe("the SSO provider, endpoints and settings", () => {
  let ws: TestWorkspace;
  beforeEach(async () => {
    ws = await startTestWorkspace();
  });
  afterEach(async () => ws.stop());

  async function put(json: unknown): Promise<Awaited<ReturnType<typeof ws.owner.call>>> {
    return ws.owner.call("PUT", api("/sso/provider"), { json });
  }

  async function putOk(json: unknown): Promise<SsoProviderRecord> {
    const answer = await put(json);
    expect(answer.status, answer.text).to.equal(200);
    return ssoProviderSchema.parse(answer.body);
  }

  it("answers 404 to GET and DELETE while there is no provider", async () => {
    expectApiError(await ws.owner.call("GET", api("/sso/provider")), { status: 404, code: 5, reason: "NOT_FOUND" });
    expectApiError(await ws.owner.call("DELETE", api("/sso/provider")), { status: 404, code: 5, reason: "NOT_FOUND" });
  });

  describe("SAML", () => {
    it("stores a SAML provider and serves it back", async () => {
      const record = await putOk(SAML_PROVIDER);
      expect(record).to.deep.include({ ...SAML_PROVIDER, enabled: true, client_secret_set: false, client_secret_updated_at: null });
      expect((await ws.owner.call("GET", api("/sso/provider"))).body).to.deep.equal(record);
    });

    it("accepts a bare base64 DER certificate", async () => {
      const bare = TEST_CERTIFICATE.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
      expect((await putOk({ ...SAML_PROVIDER, certificate: bare })).certificate).to.equal(bare);
    });

    it("defaults identity_provider to other", async () => {
      const withoutIdp: Record<string, unknown> = { ...SAML_PROVIDER };
      delete withoutIdp["identity_provider"];
      expect((await putOk(withoutIdp)).identity_provider).to.equal("other");
    });

    for (const field of ["sign_on_url", "issuer", "certificate"] as const) {
      it(`answers 400 naming ${field} when it is missing`, async () => {
        const payload: Record<string, unknown> = { ...SAML_PROVIDER };
        delete payload[field];
        expectApiError(await put(payload), { status: 400, code: 3, reason: "INVALID_ARGUMENT", field });
      });
    }

    const invalid: [string, Record<string, unknown>, string][] = [
      ["a certificate that is not one", { certificate: "bm90IGEgY2VydA==" }, "certificate"],
      ["a sign_on_url that is not a URL", { sign_on_url: "idp/sso" }, "sign_on_url"],
      ["an OIDC field", { issuer_url: "https://x.test" }, "issuer_url"],
      ["an unknown field", { colour: "blue" }, "colour"],
      ["an unknown protocol", { protocol: "ldap" }, "protocol"],
      ["a non-boolean enabled", { enabled: "yes" }, "enabled"],
    ];
    for (const [what, change, field] of invalid) {
      it(`answers 400 naming ${field} for ${what}`, async () => {
        expectApiError(await put({ ...SAML_PROVIDER, ...change }), { status: 400, code: 3, reason: "INVALID_ARGUMENT", field });
        expect((await ws.owner.call("GET", api("/sso/provider"))).status).to.equal(404);
      });
    }
  });

  describe("OIDC and the write-only client secret", () => {
    it("requires client_secret for the code grant (the default) when none is stored", async () => {
      expectApiError(await put(OIDC_PROVIDER), { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "client_secret" });
    });

    it("accepts the implicit grant without a secret", async () => {
      const record = await putOk({ ...OIDC_PROVIDER, grant_type: "implicit" });
      expect(record.client_secret_set).to.equal(false);
    });

    it("never returns the secret; says it is set; keeps its timestamp until a different secret is written", async () => {
      const first = await putOk({ ...OIDC_PROVIDER, client_secret: SECRET });
      expect(first).to.deep.include({
        ...OIDC_PROVIDER,
        scopes: ["openid", "email", "profile"],
        grant_type: "code",
        send_login_hint: false,
        client_secret_set: true,
      });
      expect(first.client_secret_updated_at).to.be.a("string");
      const read = await ws.owner.call("GET", api("/sso/provider"));
      expect(read.text).not.to.contain(SECRET);
      expect(read.body).not.to.have.property("client_secret");

      await sleep(5);
      const withoutSecret = await putOk({ ...OIDC_PROVIDER, send_login_hint: true });
      expect(withoutSecret.client_secret_set).to.equal(true);
      expect(withoutSecret.client_secret_updated_at).to.equal(first.client_secret_updated_at);
      const sameSecret = await putOk({ ...OIDC_PROVIDER, client_secret: SECRET });
      expect(sameSecret.client_secret_updated_at).to.equal(first.client_secret_updated_at);
      const newSecret = await putOk({ ...OIDC_PROVIDER, client_secret: "another-secret" });
      expect(newSecret.client_secret_updated_at).not.to.equal(first.client_secret_updated_at);
    });

    it("drops the secret when the provider turns to SAML", async () => {
      await putOk({ ...OIDC_PROVIDER, client_secret: SECRET });
      const saml = await putOk(SAML_PROVIDER);
      expect(saml).to.deep.include({ client_secret_set: false, client_secret_updated_at: null });
      expectApiError(await put(OIDC_PROVIDER), { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "client_secret" });
    });

    it("answers 400 naming the field without echoing the secret", async () => {
      const answer = await put({ ...OIDC_PROVIDER, client_secret: SECRET, issuer_url: "not a url" });
      expectApiError(answer, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "issuer_url" });
      expect(answer.text).not.to.contain(SECRET);
      const wrongType = await put({ ...OIDC_PROVIDER, client_secret: SECRET, scopes: SECRET });
      expectApiError(wrongType, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "scopes" });
      expect(wrongType.text).not.to.contain(SECRET);
    });

    it("answers 400 naming a SAML field sent with protocol oidc", async () => {
      const answer = await put({ ...OIDC_PROVIDER, client_secret: SECRET, certificate: TEST_CERTIFICATE });
      expectApiError(answer, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "certificate" });
    });
  });

  it("deletes the provider", async () => {
    await putOk(SAML_PROVIDER);
    const answer = await ws.owner.call("DELETE", api("/sso/provider"));
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal({});
    expect((await ws.owner.call("GET", api("/sso/provider"))).status).to.equal(404);
  });

  it("answers 405 to POST on the provider", async () => {
    const answer = await ws.owner.call("POST", api("/sso/provider"), { json: SAML_PROVIDER });
    expectApiError(answer, { status: 405, code: 12, reason: "UNIMPLEMENTED" });
    expect(answer.headers.get("allow")).to.equal("GET, PUT, DELETE");
  });

  it("serves the login redirect URL and audience before any provider exists", async () => {
    const answer = await ws.owner.call("GET", api("/sso/endpoints"));
    expect(answer.status).to.equal(200);
    expect(ssoEndpointsSchema.parse(answer.body)).to.deep.equal({
      login_redirect_url: `${ws.workspace.url}/__/auth/handler`,
      audience: "torq-local",
    });
  });

  describe("settings", () => {
    it("starts with sso_only false", async () => {
      const answer = await ws.owner.call("GET", api("/sso/settings"));
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ sso_only: false });
    });

    for (const [what, json, field] of [
      ["a string", { sso_only: "yes" }, "sso_only"],
      ["no field", {}, "sso_only"],
      ["an unknown field", { sso_only: false, mfa: true }, "mfa"],
    ] as const) {
      it(`answers 400 naming ${field} for ${what}`, async () => {
        expectApiError(await ws.owner.call("PUT", api("/sso/settings"), { json }), { status: 400, code: 3, reason: "INVALID_ARGUMENT", field });
      });
    }
  });
});
