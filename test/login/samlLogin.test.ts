import { expect } from "chai";
import { parseIdpMetadata, deriveSamlSettings } from "../../provider/saml";
import { RULES, startLoginFixture, type LoginFixture } from "./loginFixture";

describe("test logins over SAML 2.0 (dev IdP signing with xml-crypto)", function () {
  this.timeout(30_000);
  let fx: LoginFixture;

  before(async () => {
    fx = await startLoginFixture();
    await fx.setRules(RULES);
    await fx.useSaml();
  });
  after(() => fx?.close());

  it("publishes metadata the provider's own parser derives the SAML settings from", async () => {
    const xml = await (await fetch(fx.idps.saml.metadataUrl)).text();
    const settings = deriveSamlSettings(parseIdpMetadata(xml));
    expect(settings.issuer).to.equal(fx.idps.saml.entityId);
    expect(settings.signOnUrl).to.equal(fx.idps.saml.signOnUrl);
    expect(settings.certificates.map((c) => c.pem)).to.deep.equal([fx.idps.saml.signer.certificatePem]);
  });

  it("sends an AuthnRequest over HTTP-Redirect to the sign-on URL, with the workspace's entity ID and ACS URL", async () => {
    const request = await fx.startSamlLogin();
    expect(request.issuer).to.equal("torq-local");
    expect(request.assertionConsumerServiceUrl).to.equal(`${fx.workspace.url}/__/auth/handler`);
    expect(request.id).to.match(/^_/);
  });

  it("gives each test user the role of the first matching rule, from the multi-valued groups attribute", async () => {
    const dev = await fx.signIn("dev");
    expect(dev.granted && dev.result).to.deep.include({
      email: "dev@example.com",
      role: "Operator",
      rule: { rank: 3, claimName: "groups", claimValue: "engineering" },
      protocol: "saml",
      claims: { email: "dev@example.com", name: "Dana Developer", groups: ["engineering", "everyone"] },
    });
    expect(await fx.roleOf("owner")).to.equal("Owner");
    expect(await fx.roleOf("admin")).to.equal("Contributor");
    expect(await fx.roleOf("viewer")).to.equal("Viewer");
  });

  it("refuses a user no rule matches, and logs who it was", async () => {
    const outcome = await fx.signIn("contractor");
    expect(outcome.granted === false && outcome.loginError).to.equal("NO_MATCHING_RULE");
    expect((await fx.logins()).at(-1)).to.deep.include({ protocol: "saml", outcome: "refused", email: "contractor@example.com", reason: "NO_MATCHING_RULE" });
  });

  it("refuses while the provider is disabled", async () => {
    await fx.useSaml({ enabled: false });
    try {
      const response = await fetch(`${fx.workspace.url}/sso/login`, { redirect: "manual" });
      expect(response.status).to.equal(403);
    } finally {
      await fx.useSaml();
    }
  });
});
