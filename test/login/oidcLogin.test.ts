import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loginErrorOf, RULES, startLoginFixture, type LoginFixture } from "./loginFixture";

describe("test logins over OpenID Connect (dev oidc-provider on loopback)", function () {
  this.timeout(30_000);
  let fx: LoginFixture;

  before(async () => {
    fx = await startLoginFixture();
    await fx.setRules(RULES);
  });
  after(() => fx?.close());

  describe("code flow", () => {
    before(() => fx.useOidc({ grant_type: "code" }));

    it("gives each test user the role of the first rule their claims match, and names that rule", async () => {
      const owner = await fx.signIn("owner");
      expect(owner.granted && owner.result).to.deep.include({ email: "owner@example.com", role: "Owner", rule: { rank: 1, claimName: "email", claimValue: "owner@example.com" }, protocol: "oidc" });
      const admin = await fx.signIn("admin");
      expect(admin.granted && admin.result.rule).to.deep.equal({ rank: 2, claimName: "groups", claimValue: "platform-admins" });
      expect(await fx.roleOf("admin")).to.equal("Contributor");
      expect(await fx.roleOf("dev")).to.equal("Operator");
      expect(await fx.roleOf("sre")).to.equal("Operator");
      expect(await fx.roleOf("viewer")).to.equal("Viewer");
    });

    it("sees the groups claim as a list and leaves the token's protocol claims out", async () => {
      const dev = await fx.signIn("dev");
      expect(dev.granted && dev.result.claims).to.deep.equal({ sub: "dev", email: "dev@example.com", email_verified: "true", name: "Dana Developer", groups: ["engineering", "everyone"] });
    });

    it("refuses a user no rule matches with 403 NO_MATCHING_RULE, and logs the refusal", async () => {
      const outcome = await fx.signIn("contractor");
      expect(outcome.granted).to.equal(false);
      if (outcome.granted) return;
      expect(outcome.status).to.equal(403);
      expect(outcome.loginError).to.equal("NO_MATCHING_RULE");
      expect(outcome.message).to.match(/^no claim-mapping rule matches contractor@example\.com .*sign-in refused/);
      const last = (await fx.logins()).at(-1)!;
      expect(last).to.deep.include({ protocol: "oidc", outcome: "refused", email: "contractor@example.com", role: null, rule: null, reason: "NO_MATCHING_RULE" });
    });

    it("logs every granted sign-in with who, which rule and which role", async () => {
      await fx.signIn("viewer");
      const last = (await fx.logins()).at(-1)!;
      expect(last).to.deep.include({ protocol: "oidc", outcome: "granted", email: "viewer@example.com", role: "Viewer", rule: { rank: 4, claimName: "groups", claimValue: "everyone" }, reason: null });
    });

    it("sends an authorization request with PKCE (S256), state and nonce, and no login hint unless send_login_hint is on", async () => {
      const response = await fetch(`${fx.workspace.url}/sso/login?login_hint=dev@example.com`, { redirect: "manual" });
      expect(response.status).to.equal(302);
      const location = new URL(response.headers.get("location")!);
      expect(location.origin).to.equal(fx.idps.oidc.issuer);
      const params = Object.fromEntries(location.searchParams);
      expect(params).to.include({ response_type: "code", client_id: fx.idps.oidc.client.clientId, redirect_uri: `${fx.workspace.url}/__/auth/handler`, scope: "openid email profile", code_challenge_method: "S256" });
      expect(params["code_challenge"]).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(params["state"]).to.have.length.greaterThan(20);
      expect(params["nonce"]).to.have.length.greaterThan(20);
      expect(params).to.not.have.property("login_hint");
    });

    it("forwards login_hint when the provider's send_login_hint is on", async () => {
      await fx.useOidc({ send_login_hint: true });
      try {
        const response = await fetch(`${fx.workspace.url}/sso/login?login_hint=dev@example.com`, { redirect: "manual" });
        expect(new URL(response.headers.get("location")!).searchParams.get("login_hint")).to.equal("dev@example.com");
        const outcome = await fx.signIn("dev", { loginHint: "dev@example.com" });
        expect(outcome.granted && outcome.result.role).to.equal("Operator");
      } finally {
        await fx.useOidc({ send_login_hint: false });
      }
    });

    it("refuses the same answer twice (the state is taken once): OIDC_STATE_REPLAYED", async () => {
      let callback: URL | undefined;
      const first = await fx.signIn("dev", {
        observe: ({ url }) => {
          if (url.pathname === "/__/auth/handler") callback = url;
        },
      });
      expect(first.granted).to.equal(true);
      const replay = await fetch(callback!);
      const body = (await replay.json()) as { message: string };
      expect(replay.status).to.equal(401);
      expect(loginErrorOf(body as never)).to.equal("OIDC_STATE_REPLAYED");
      expect(body.message).to.match(/already completed .*replayed answer refused/);
    });

    it("does not let a forged answer with the real state use it up: the real answer still signs in, and its replay is refused", async () => {
      const forged: { status: number; loginError: string | undefined }[] = [];
      let real: URL | undefined;
      const outcome = await fx.signIn("dev", {
        observe: async ({ url }) => {
          if (url.pathname !== "/__/auth/handler") return;
          real = url;
          // Before the real answer arrives: a made-up code, and a made-up IdP error, with its state.
          for (const bend of [(u: URL) => u.searchParams.set("code", "forged-code"), (u: URL) => u.searchParams.set("error", "access_denied")]) {
            const fake = new URL(url);
            bend(fake);
            const answer = await fetch(fake);
            forged.push({ status: answer.status, loginError: loginErrorOf((await answer.json()) as never) });
          }
        },
      });
      expect(forged).to.deep.equal([
        { status: 401, loginError: "OIDC_INVALID_RESPONSE" },
        { status: 401, loginError: "OIDC_IDP_ERROR" },
      ]);
      expect(outcome.granted && outcome.result.role).to.equal("Operator");
      const replay = await fetch(real!);
      expect(replay.status).to.equal(401);
      expect(loginErrorOf((await replay.json()) as never)).to.equal("OIDC_STATE_REPLAYED");
    });

    it("refuses an answer whose state it never issued: OIDC_STATE_UNKNOWN", async () => {
      const response = await fetch(`${fx.workspace.url}/__/auth/handler?code=forged&state=forged-state`);
      expect(response.status).to.equal(401);
      expect(loginErrorOf((await response.json()) as never)).to.equal("OIDC_STATE_UNKNOWN");
    });

    it("reports the IdP's refusal of a wrong client secret without echoing the secret", async () => {
      await fx.useOidc({ client_secret: "not-the-registered-secret" });
      try {
        const outcome = await fx.signIn("dev");
        expect(outcome.granted).to.equal(false);
        if (outcome.granted) return;
        expect(outcome.loginError).to.equal("OIDC_INVALID_RESPONSE");
        expect(outcome.message).to.match(/invalid_client/);
        expect(outcome.message).to.not.include("not-the-registered-secret");
      } finally {
        await fx.useOidc();
      }
    });

    it("refuses every login while the provider is disabled: 403 PROVIDER_DISABLED, logged", async () => {
      await fx.useOidc({ enabled: false });
      try {
        const response = await fetch(`${fx.workspace.url}/sso/login?login_hint=dev@example.com`, { redirect: "manual" });
        expect(response.status).to.equal(403);
        expect(loginErrorOf((await response.json()) as never)).to.equal("PROVIDER_DISABLED");
        expect((await fx.logins()).at(-1)).to.deep.include({ outcome: "refused", reason: "PROVIDER_DISABLED" });
      } finally {
        await fx.useOidc();
      }
    });

    it("follows a reorder of the rules at the next sign-in", async () => {
      await fx.setRules([RULES[0]!, RULES[3]!, RULES[2]!, RULES[1]!]);
      try {
        expect(await fx.roleOf("dev")).to.equal("Viewer");
        expect(await fx.roleOf("admin")).to.equal("Viewer");
      } finally {
        await fx.setRules(RULES);
      }
      expect(await fx.roleOf("dev")).to.equal("Operator");
    });
  });

  describe("implicit flow (response_mode=form_post)", () => {
    before(() => fx.useOidc({ grant_type: "implicit" }));
    after(() => fx.useOidc({ grant_type: "code" }));

    it("asks for an ID token posted back in a form, and gives the same roles as the code flow", async () => {
      const response = await fetch(`${fx.workspace.url}/sso/login`, { redirect: "manual" });
      const params = new URL(response.headers.get("location")!).searchParams;
      expect(params.get("response_type")).to.equal("id_token");
      expect(params.get("response_mode")).to.equal("form_post");
      expect(params.has("code_challenge")).to.equal(false);
      expect(await fx.roleOf("owner")).to.equal("Owner");
      expect(await fx.roleOf("dev")).to.equal("Operator");
      expect(await fx.roleOf("viewer")).to.equal("Viewer");
    });

    it("does not let a forged ID token posted with the real state use it up: the real post still signs in, and its replay is refused", async () => {
      const forged: { status: number; loginError: string | undefined; message: string }[] = [];
      let real: { url: URL; body: string } | undefined;
      const post = (url: URL, body: string) => fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
      const outcome = await fx.signIn("viewer", {
        observe: async ({ method, url, body }) => {
          if (method !== "POST" || url.pathname !== "/__/auth/handler" || body === undefined) return;
          real = { url, body };
          const form = new URLSearchParams(body);
          const [header, payload, signature] = form.get("id_token")!.split(".");
          const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, unknown>;
          // The real token with its e-mail changed to the owner's: the signature no longer matches.
          form.set("id_token", `${header}.${Buffer.from(JSON.stringify({ ...claims, email: "owner@example.com" })).toString("base64url")}.${signature}`);
          const answer = await post(url, form.toString());
          const answerBody = (await answer.json()) as { message: string };
          forged.push({ status: answer.status, loginError: loginErrorOf(answerBody as never), message: answerBody.message });
        },
      });
      expect(forged.map(({ status, loginError }) => ({ status, loginError }))).to.deep.equal([{ status: 401, loginError: "OIDC_INVALID_RESPONSE" }]);
      expect(outcome.granted && outcome.result).to.deep.include({ email: "viewer@example.com", role: "Viewer" });
      const replay = await post(real!.url, real!.body);
      expect(replay.status).to.equal(401);
      expect(loginErrorOf((await replay.json()) as never)).to.equal("OIDC_STATE_REPLAYED");
    });

    it("refuses a posted ID token it did not ask for", async () => {
      const response = await fetch(`${fx.workspace.url}/__/auth/handler`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "id_token=eyJhbGciOiJub25lIn0.e30.&state=never-issued",
      });
      expect(response.status).to.equal(401);
      expect(loginErrorOf((await response.json()) as never)).to.equal("OIDC_STATE_UNKNOWN");
    });
  });
});

describe("the OIDC client secret at rest", function () {
  this.timeout(30_000);

  it("is kept sealed in the data file (never in clear) and is never served, yet the code flow can use it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "torq-login-secret-"));
    const file = join(dir, "ws.db");
    const fx = await startLoginFixture({ dataFile: file });
    try {
      await fx.setRules(RULES);
      await fx.useOidc();
      const provider = (await fx.client.getSsoProvider())!;
      expect(JSON.stringify(provider)).to.not.include(fx.idps.oidc.client.clientSecret);
      expect(provider.client_secret_set).to.equal(true);
      expect(await fx.roleOf("dev")).to.equal("Operator");
      await fx.workspace.close();
      for (const suffix of ["", "-wal"]) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(file + suffix);
        } catch {
          continue;
        }
        expect(bytes.includes(Buffer.from(fx.idps.oidc.client.clientSecret)), `${suffix || "main"} file holds the secret in clear`).to.equal(false);
      }
    } finally {
      await fx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
