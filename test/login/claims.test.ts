import { expect } from "chai";
import { emailOf, normaliseClaimValue, normaliseOidcClaims, normaliseSamlClaims } from "../../emulator/login/claims";

describe("claims as the rules see them", () => {
  it("turns each claim value into one string or a list of strings, dropping what cannot be compared", () => {
    const table: [unknown, string | string[] | undefined][] = [
      ["sre", "sre"],
      [["sre", "eng"], ["sre", "eng"]],
      [42, "42"],
      [true, "true"],
      [[1, "a", null, { x: 1 }, ["nested"], false], ["1", "a", "false"]],
      [[], []],
      [null, undefined],
      [{ group: "sre" }, undefined],
      [Number.NaN, undefined],
    ];
    for (const [input, expected] of table) expect(normaliseClaimValue(input), JSON.stringify(input)).to.deep.equal(expected);
  });

  it("keeps an ID token's identity claims and leaves its protocol claims (iss, aud, exp, nonce…) out", () => {
    expect(
      normaliseOidcClaims({ iss: "https://idp", aud: "torq", exp: 1, iat: 1, nonce: "n", at_hash: "h", sid: "s", sub: "u1", email: "a@x.io", groups: ["sre"], amr: ["pwd"], address: { country: "NL" } }),
    ).to.deep.equal({ sub: "u1", email: "a@x.io", groups: ["sre"], amr: ["pwd"] });
  });

  it("names SAML attributes by their Name and adds email and groups from the usual URIs", () => {
    expect(
      normaliseSamlClaims(
        {
          "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": "a@x.io",
          "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": ["g1", "g2"],
          department: "ops",
        },
        { value: "a@x.io", format: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" },
      ),
    ).to.deep.equal({
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": "a@x.io",
      "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": ["g1", "g2"],
      department: "ops",
      email: "a@x.io",
      groups: ["g1", "g2"],
    });
  });

  it("takes the e-mail from an e-mail-format NameID only when no attribute carries one", () => {
    const format = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    expect(normaliseSamlClaims({}, { value: "n@x.io", format })).to.deep.equal({ email: "n@x.io" });
    expect(normaliseSamlClaims({ email: "a@x.io" }, { value: "n@x.io", format })).to.deep.equal({ email: "a@x.io" });
    expect(normaliseSamlClaims({}, { value: "opaque-id", format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" })).to.deep.equal({});
  });

  it("records a login under the first e-mail value", () => {
    expect(emailOf({ email: "a@x.io" })).to.equal("a@x.io");
    expect(emailOf({ email: ["a@x.io", "b@x.io"] })).to.equal("a@x.io");
    expect(emailOf({ email: [] })).to.equal(null);
    expect(emailOf({})).to.equal(null);
  });
});
