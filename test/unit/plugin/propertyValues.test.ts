import { expect } from "chai";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { annotateSecrets, fromStruct, isSecret, rawFromStruct, secret, SECRET_SIGNATURE, SIGNATURE_KEY, toWire, unwrapSecrets } from "../../../plugin/propertyValues";
import { UNKNOWN } from "../../../provider/unknowns";

const wrapped = (value: unknown) => ({ [SIGNATURE_KEY]: SECRET_SIGNATURE, value });

describe("the plugin's property values", () => {
  it("unwraps secrets at any depth and leaves unknowns as the marker the provider code checks for", () => {
    const struct = Struct.fromJavaScript({
      protocol: "oidc",
      clientSecret: wrapped("s3cret"),
      scopes: [wrapped("openid"), "email"],
      nested: { inner: wrapped({ deep: wrapped(1) }) },
      issuerUrl: UNKNOWN,
    });
    expect(fromStruct(struct)).to.deep.equal({ protocol: "oidc", clientSecret: "s3cret", scopes: ["openid", "email"], nested: { inner: { deep: 1 } }, issuerUrl: UNKNOWN });
    expect(isSecret(rawFromStruct(struct)["clientSecret"])).to.equal(true);
    expect(fromStruct(undefined)).to.deep.equal({});
  });

  it("marks secret the outputs whose inputs were, and those that always are, wrapping each once", () => {
    const ins = { clientSecret: wrapped("s3cret"), scopes: ["openid", wrapped("groups")], clientId: "torq" };
    const outs = { clientSecret: "s3cret", scopes: ["openid", "groups"], clientId: "torq", clientSecretDigest: "hmac", audience: "torq.io" };
    expect(annotateSecrets(outs, ins, ["clientSecretDigest"])).to.deep.equal({
      clientSecret: wrapped("s3cret"),
      scopes: wrapped(["openid", "groups"]),
      clientId: "torq",
      clientSecretDigest: wrapped("hmac"),
      audience: "torq.io",
    });
    expect(secret(secret("x"))).to.deep.equal(wrapped("x"));
    expect(unwrapSecrets(annotateSecrets(outs, ins, ["clientSecretDigest"]))).to.deep.equal(outs);
  });

  it("drops undefined properties, which a protobuf Struct cannot hold, and keeps nulls", () => {
    expect(toWire({ a: undefined, b: null, c: [undefined, 1], d: { e: undefined, f: "x" } })).to.deep.equal({ b: null, c: [null, 1], d: { f: "x" } });
    expect(() => toWire({ f: () => 1 })).to.throw(TypeError, "cannot send a function to the engine");
  });
});
