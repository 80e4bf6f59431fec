/**
 * The SAML answers an attacker would post, each refused with its own reason: built with the dev
 * IdP's own response builder (so everything else about them is right), then bent one way.
 */
import { expect } from "chai";
import { buildSamlResponse, newSigningIdentity, signElement, type SamlResponseOptions, type SigningIdentity } from "../../devidp";
import { loginErrorOf, RULES, startLoginFixture, type LoginFixture } from "./loginFixture";

const MINUTE = 60_000;

describe("the SAML path refuses attacks, each with a clear reason", function () {
  this.timeout(30_000);
  let fx: LoginFixture;
  let attacker: SigningIdentity;

  before(async () => {
    fx = await startLoginFixture();
    await fx.setRules(RULES);
    await fx.useSaml();
    attacker = newSigningIdentity({ commonName: "Attacker IdP" });
  });
  after(() => fx?.close());

  /** A response answering a fresh AuthnRequest of the workspace, as the genuine IdP would sign it, with `overrides`. */
  async function genuine(overrides: Partial<SamlResponseOptions> = {}): Promise<{ xml: string; requestId: string }> {
    const request = await fx.startSamlLogin();
    const options: SamlResponseOptions = {
      issuer: fx.idps.saml.entityId,
      destination: request.assertionConsumerServiceUrl,
      inResponseTo: request.id,
      audience: request.issuer,
      user: fx.idps.users.find((u) => u.name === "dev")!,
      signer: fx.idps.saml.signer,
      ...overrides,
    };
    return { xml: buildSamlResponse(options), requestId: request.id };
  }

  async function expectRefused(xml: string, loginError: string, message: RegExp): Promise<void> {
    const { status, body } = await fx.postSamlResponse(xml);
    expect(loginErrorOf(body), body.message).to.equal(loginError);
    expect(status).to.be.oneOf([400, 401]);
    expect(body.message).to.match(message);
  }

  it("accepts the genuine response (the baseline every attack bends)", async () => {
    const { status, body } = await fx.postSamlResponse((await genuine()).xml);
    expect(status).to.equal(200);
    expect(body.role).to.equal("Operator");
  });

  it("wrong audience", async () => {
    await expectRefused((await genuine({ audience: "https://another-sp.example" })).xml, "SAML_WRONG_AUDIENCE", /meant for audience "https:\/\/another-sp\.example", not this workspace \("torq-local"\)/);
  });

  it("wrong issuer, even when signed with the configured key", async () => {
    await expectRefused((await genuine({ issuer: "https://evil-idp.example/metadata" })).xml, "SAML_WRONG_ISSUER", /issued by "https:\/\/evil-idp\.example\/metadata", not the configured IdP entity ID/);
  });

  it("tampered attribute (a group added after signing)", async () => {
    const { xml } = await genuine();
    const tampered = xml.replace(">engineering<", ">platform-admins<");
    expect(tampered).to.not.equal(xml);
    await expectRefused(tampered, "SAML_SIGNATURE_INVALID", /changed after signing/);
  });

  it("expired assertion", async () => {
    const now = new Date(Date.now() - 60 * MINUTE);
    await expectRefused((await genuine({ now, notOnOrAfter: new Date(now.getTime() + 5 * MINUTE) })).xml, "SAML_EXPIRED", /has expired/);
  });

  it("assertion not yet valid", async () => {
    await expectRefused((await genuine({ notBefore: new Date(Date.now() + 30 * MINUTE) })).xml, "SAML_NOT_YET_VALID", /not valid yet/);
  });

  it("signed by another key", async () => {
    await expectRefused((await genuine({ signer: attacker })).xml, "SAML_SIGNATURE_INVALID", /signed by another key: its certificate is CN=Attacker IdP/);
  });

  it("replayed response: each AuthnRequest is answered once", async () => {
    const { xml, requestId } = await genuine();
    expect((await fx.postSamlResponse(xml)).status).to.equal(200);
    await expectRefused(xml, "SAML_REPLAYED", new RegExp(`answers AuthnRequest ${requestId}, already answered at .*replayed response refused`));
  });

  it("a response to an AuthnRequest the workspace never sent, or to none (IdP-initiated)", async () => {
    await expectRefused((await genuine({ inResponseTo: "_never-sent" })).xml, "SAML_REQUEST_UNKNOWN", /_never-sent, which this workspace never sent/);
    const unsolicited = await genuine();
    await expectRefused(unsolicited.xml.replace(/ InResponseTo="[^"]*"/g, ""), "SAML_REQUEST_UNKNOWN", /has no InResponseTo/);
  });

  it("a forged answer does not burn the genuine login: the real response still signs in afterwards", async () => {
    const { xml, requestId } = await genuine();
    await expectRefused((await genuine({ inResponseTo: requestId, signer: attacker })).xml, "SAML_SIGNATURE_INVALID", /another key/);
    expect((await fx.postSamlResponse(xml)).status).to.equal(200);
  });

  it("an unsigned assertion inside a signed Response", async () => {
    await expectRefused((await genuine({ signAssertion: false })).xml, "SAML_ASSERTION_UNSIGNED", /Assertion is not signed/);
  });

  it("a response addressed to another ACS URL", async () => {
    await expectRefused((await genuine({ destination: "https://elsewhere.example/acs" })).xml, "SAML_WRONG_DESTINATION", /addressed to https:\/\/elsewhere\.example\/acs, not this workspace's ACS URL/);
  });

  it("a DOCTYPE (entity expansion) before anything is parsed", async () => {
    const { xml } = await genuine();
    await expectRefused(`<!DOCTYPE r [<!ENTITY a "aaaa">]>${xml}`, "SAML_NOT_XML", /DOCTYPE; DTDs are refused/);
  });

  describe("two IdP-signed AttributeStatements", () => {
    const user = (name: string) => fx.idps.users.find((u) => u.name === name)!;

    it("gives a multi-valued attribute the union of its values across the statements", async () => {
      const { xml } = await genuine({ user: user("viewer"), extraAttributeStatements: [{ groups: ["engineering"], department: ["r&d"] }] });
      const { status, body } = await fx.postSamlResponse(xml);
      expect(status, body.message).to.equal(200);
      expect(body.role).to.equal("Operator");
      expect(body.claims).to.deep.equal({ email: "viewer@example.com", name: "Vic Viewer", groups: ["everyone", "engineering"], department: "r&d" });
    });

    it("accepts the same e-mail address in both statements", async () => {
      const { status, body } = await fx.postSamlResponse((await genuine({ extraAttributeStatements: [{ email: ["dev@example.com"] }] })).xml);
      expect(status, body.message).to.equal(200);
      expect(body.claims?.["email"]).to.equal("dev@example.com");
    });

    it("refuses two different e-mail addresses (the later one is not taken), and the genuine answer still signs in", async () => {
      const { xml, requestId } = await genuine({ extraAttributeStatements: [{ email: ["owner@example.com"] }] });
      await expectRefused(
        xml,
        "SAML_CONFLICTING_CLAIMS",
        /gives the e-mail address, a single-valued claim, 2 different values \("dev@example\.com", "owner@example\.com"\).*sign-in refused/,
      );
      expect((await fx.logins()).at(-1)).to.deep.include({ outcome: "refused", reason: "SAML_CONFLICTING_CLAIMS", role: null });
      const real = await fx.postSamlResponse((await genuine({ inResponseTo: requestId })).xml);
      expect(real.status, real.body.message).to.equal(200);
      expect(real.body.role).to.equal("Operator");
    });

    it("refuses two different e-mail addresses under two of its names in one statement", async () => {
      await expectRefused((await genuine({ attributes: { mail: ["owner@example.com"] } })).xml, "SAML_CONFLICTING_CLAIMS", /2 different values/);
    });
  });

  describe("XML signature wrapping", () => {
    /** An unsigned assertion saying the user is the owner, with the ID of the signed one. */
    function evilAssertion(signedXml: string): string {
      const signed = /<saml:Assertion\b[\s\S]*<\/saml:Assertion>/.exec(signedXml)![0];
      return signed
        .replace(/<ds:Signature\b[\s\S]*?<\/ds:Signature>/, "")
        .replace(/dev@example\.com/g, "owner@example.com");
    }

    it("a second, unsigned Assertion before the signed one", async () => {
      const { xml } = await genuine({ signResponse: false });
      const evil = evilAssertion(xml).replace(/ ID="[^"]*"/, ' ID="_evil"');
      const wrapped = xml.replace("<saml:Assertion ", `${evil}<saml:Assertion `);
      await expectRefused(wrapped, "SAML_SIGNATURE_WRAPPING", /holds 2 Assertion elements \(Response\/Assertion, Response\/Assertion\)/);
    });

    it("the signed Assertion moved inside an Extensions element, an evil one at the top", async () => {
      const { xml } = await genuine({ signResponse: false });
      const signed = /<saml:Assertion\b[\s\S]*<\/saml:Assertion>/.exec(xml)![0];
      const evil = evilAssertion(xml).replace(/ ID="[^"]*"/, ' ID="_evil"');
      const wrapped = xml.replace(signed, `<samlp:Extensions>${signed}</samlp:Extensions>${evil}`);
      await expectRefused(wrapped, "SAML_SIGNATURE_WRAPPING", /Response\/Extensions\/Assertion/);
    });

    it("the signed Assertion moved inside the signature's Object element, an evil one in its place", async () => {
      const { xml } = await genuine();
      const signed = /<saml:Assertion\b[\s\S]*<\/saml:Assertion>/.exec(xml)![0];
      const evil = evilAssertion(xml);
      const wrapped = xml.replace(signed, evil).replace("</ds:SignatureValue>", `</ds:SignatureValue><ds:Object>${signed}</ds:Object>`);
      await expectRefused(wrapped, "SAML_SIGNATURE_WRAPPING", /ID ".*" appears on 2 elements|Object\/Assertion/);
    });

    it("a Response whose signature reference points to a different ID", async () => {
      const { xml } = await genuine({ signResponse: false });
      const assertionId = / ID="(_[0-9a-f]+)"/.exec(/<saml:Assertion\b[^>]*>/.exec(xml)![0])![1]!;
      // The IdP's own key signs the Assertion's ID, but the signature is placed on the Response.
      const responseId = / ID="(_[0-9a-f]+)"/.exec(xml)![1]!;
      let resigned = signElement(xml, assertionId, fx.idps.saml.signer);
      const responseSignature = /<ds:Signature\b[\s\S]*?<\/ds:Signature>/.exec(resigned.slice(resigned.indexOf("<saml:Assertion")))![0];
      resigned = xml.replace(`</saml:Issuer><samlp:Status>`, `</saml:Issuer>${responseSignature}<samlp:Status>`);
      expect(resigned).to.include(`URI="#${assertionId}"`);
      await expectRefused(resigned, "SAML_SIGNATURE_WRAPPING", new RegExp(`Response's signature references "#${assertionId}", not the Response itself \\(#${responseId}\\)`));
    });
  });

  describe("the configured certificate must be within its validity", () => {
    it("refuses responses verified by an expired certificate", async () => {
      const expired = newSigningIdentity({ commonName: "Expired IdP", notBefore: new Date(Date.now() - 400 * 24 * 60 * MINUTE), notAfter: new Date(Date.now() - 24 * 60 * MINUTE) });
      await fx.useSaml({ certificate: expired.certificatePem });
      try {
        const response = await fetch(`${fx.workspace.url}/sso/login`, { redirect: "manual" });
        expect(response.status).to.equal(401);
        const body = (await response.json()) as { message: string };
        expect(loginErrorOf(body as never)).to.equal("SAML_CERTIFICATE_EXPIRED");
        expect(body.message).to.match(/CN=Expired IdP\) expired on /);
      } finally {
        await fx.useSaml();
      }
    });

    it("refuses a certificate not valid yet", async () => {
      const future = newSigningIdentity({ commonName: "Future IdP", notBefore: new Date(Date.now() + 24 * 60 * MINUTE) });
      const { xml } = await genuine({ signer: future });
      await fx.useSaml({ certificate: future.certificatePem });
      try {
        await expectRefused(xml, "SAML_CERTIFICATE_NOT_YET_VALID", /CN=Future IdP\) is not valid before/);
      } finally {
        await fx.useSaml();
      }
    });
  });
});
