/**
 * plugin/structCodec.ts against google-protobuf, the stubs it stands in for: what one encodes the
 * other decodes to the same values, for random properties (any JSON value, nested, with keys that
 * sort oddly, and Pulumi's secret wrappers and unknown marker among the values).
 */
import { expect } from "chai";
import fc from "fast-check";
import { Struct, Value } from "google-protobuf/google/protobuf/struct_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { SECRET_SIGNATURE, SIGNATURE_KEY, type WireProps, type WireValue } from "../../plugin/propertyValues";
import { decodeCheckRequest, decodeDiffRequest, encodeCheckResponse } from "../../plugin/structCodec";
import { UNKNOWN } from "../../provider/unknowns";

const key = fc.oneof(fc.string(), fc.constantFrom("claimName", "a", "B", "10", "2", "é", "__proto__", "constructor", ""));
const leaf: fc.Arbitrary<WireValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constant(UNKNOWN as string),
);
const { value } = fc.letrec<{ value: WireValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(key, tie("value"), { maxKeys: 5 }),
    tie("value").map((v) => ({ [SIGNATURE_KEY]: SECRET_SIGNATURE, value: v })),
  ),
}));
const props: fc.Arbitrary<WireProps> = fc.dictionary(key, value, { maxKeys: 6 });

/** A struct as google-protobuf builds it from plain values. */
function struct(p: WireProps): Struct {
  return Struct.fromJavaScript(p as Record<string, never>);
}

/** What google-protobuf decodes the struct to: the reference every value is compared with. */
function reference(p: WireProps): WireProps {
  return Struct.deserializeBinary(struct(p).serializeBinary()).toJavaScript() as WireProps;
}

/** Own properties in order, with values, including a "__proto__" key: what deep equality must see. */
function entries(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(entries);
  if (v !== null && typeof v === "object") return Object.getOwnPropertyNames(v).map((k) => [k, entries((v as Record<string, unknown>)[k])]);
  return v;
}

describe("the provider protocol's property messages, read and written without google-protobuf", () => {
  it("reads a CheckRequest as google-protobuf does: urn, name, type, olds and news, keys in the same order", () => {
    fc.assert(
      fc.property(props, props, fc.string(), (olds, news, name) => {
        const request = new proto.CheckRequest()
          .setUrn(`urn:pulumi:dev::p::torq:index:ClaimMappings::${name}`)
          .setName(name)
          .setType("torq:index:ClaimMappings")
          .setOlds(struct(olds))
          .setNews(struct(news))
          .setRandomseed(Buffer.from("seed"));
        const decoded = decodeCheckRequest(request.serializeBinary());
        expect([decoded.urn, decoded.name, decoded.type]).to.deep.equal([request.getUrn(), name, "torq:index:ClaimMappings"]);
        expect(entries(decoded.olds)).to.deep.equal(entries(reference(olds)));
        expect(entries(decoded.news)).to.deep.equal(entries(reference(news)));
      }),
      { numRuns: 300 },
    );
  });

  it("reads a DiffRequest as google-protobuf does, and knows when it has no old inputs", () => {
    fc.assert(
      fc.property(props, props, fc.option(props, { nil: undefined }), fc.array(fc.string(), { maxLength: 3 }), (olds, news, oldInputs, ignoreChanges) => {
        const request = new proto.DiffRequest().setId("claim-mappings").setUrn("urn:x").setName("rules").setType("torq:index:ClaimMappings");
        request.setOlds(struct(olds)).setNews(struct(news)).setIgnorechangesList(ignoreChanges);
        if (oldInputs) request.setOldInputs(struct(oldInputs));
        const decoded = decodeDiffRequest(request.serializeBinary());
        expect([decoded.id, decoded.urn, decoded.name, decoded.type, decoded.ignoreChanges]).to.deep.equal(["claim-mappings", "urn:x", "rules", "torq:index:ClaimMappings", ignoreChanges]);
        expect(entries(decoded.olds)).to.deep.equal(entries(reference(olds)));
        expect(entries(decoded.news)).to.deep.equal(entries(reference(news)));
        expect(decoded.oldInputs === undefined ? undefined : entries(decoded.oldInputs)).to.deep.equal(oldInputs === undefined ? undefined : entries(reference(oldInputs)));
      }),
      { numRuns: 300 },
    );
  });

  it("writes a CheckResponse google-protobuf reads back to the same inputs and failures", () => {
    const failure = fc.record({ property: fc.string(), reason: fc.string({ unit: "binary" }) });
    fc.assert(
      fc.property(props, fc.array(failure, { maxLength: 3 }), (inputs, failures) => {
        const decoded = proto.CheckResponse.deserializeBinary(encodeCheckResponse({ inputs, failures }));
        expect(entries(decoded.getInputs()!.toJavaScript())).to.deep.equal(entries(reference(inputs)));
        expect(decoded.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }))).to.deep.equal(failures);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a key named __proto__ as a property, never as the object's prototype (google-protobuf cannot even hold it)", () => {
    const withProto: WireProps = { mappings: [] };
    Object.defineProperty(withProto, "__proto__", { value: { polluted: true }, enumerable: true });
    // A CheckRequest whose news (field 3) is that struct, as the engine could send it.
    const inputs = encodeCheckResponse({ inputs: withProto, failures: [] }); // field 1: the struct
    const bytes = Buffer.concat([Buffer.from([(3 << 3) | 2]), inputs.subarray(1)]);
    const ours = decodeCheckRequest(bytes).news;
    expect(Object.keys(ours)).to.deep.equal(["__proto__", "mappings"]);
    expect(Object.getPrototypeOf(ours)).to.equal(Object.prototype);
    expect((ours as Record<string, unknown>)["polluted"]).to.equal(undefined);
    expect(Object.keys(proto.CheckRequest.deserializeBinary(bytes).getNews()!.toJavaScript())).to.deep.equal(["mappings"]);
  });

  it("refuses what google-protobuf refuses too: a value with no kind, a field running past the message's end", () => {
    const news = new Struct();
    news.getFieldsMap().set("x", new Value());
    const noKind = new proto.CheckRequest().setUrn("urn:x").setNews(news).serializeBinary();
    expect(() => proto.CheckRequest.deserializeBinary(noKind).getNews()!.toJavaScript()).to.throw("Unexpected struct type");
    expect(() => decodeCheckRequest(noKind)).to.throw("no kind set");
    const whole = new proto.CheckRequest().setUrn("urn:x").setNews(struct({ mappings: ["a", "b"] })).serializeBinary();
    const truncated = whole.subarray(0, whole.length - 3);
    expect(() => decodeCheckRequest(truncated)).to.throw();
    expect(() => decodeDiffRequest(truncated)).to.throw();
  });
});
