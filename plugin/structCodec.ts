/**
 * The three messages of the provider protocol that carry a resource's whole properties on every
 * preview — `CheckRequest` and `DiffRequest` in, `CheckResponse` out — read and written with
 * protobufjs's minimal Reader and Writer rather than the google-protobuf stubs `@pulumi/pulumi`
 * ships. google-protobuf builds a message object per value and runs cold in a process the engine
 * starts for one preview: it took ~22 ms to decode a 100-rule DiffRequest and 12–28 ms to encode its
 * CheckResponse, time that grows with the list; these take ~2 ms (`node dist/bench/structCodec.js`).
 * Every other message keeps the stubs.
 *
 * The field numbers are those of pulumi/proto/pulumi/provider.proto and google/protobuf/struct.proto
 * (`@pulumi/pulumi/proto/provider_pb.js` says the same); a property test decodes what
 * google-protobuf encodes, and the other way round, for random properties. Values come out as
 * google-protobuf's `Struct.toJavaScript()` gives them (a struct's keys in sorted order), but for a
 * key named `__proto__`: google-protobuf loses it, this keeps it as the property it is (never as the
 * object's prototype), which the input schemas then refuse.
 */
import { Reader, Writer } from "protobufjs/minimal";
import type { WireProps, WireValue } from "./propertyValues";

/** What the plugin reads of a `CheckRequest`. */
export interface CheckRequestFields {
  urn: string;
  name: string;
  type: string;
  olds: WireProps;
  news: WireProps;
}

/** What the plugin reads of a `DiffRequest`. `oldInputs` is absent when the engine sent none. */
export interface DiffRequestFields {
  id: string;
  urn: string;
  name: string;
  type: string;
  olds: WireProps;
  news: WireProps;
  oldInputs: WireProps | undefined;
  ignoreChanges: string[];
}

/** A `CheckResponse`: the checked inputs and the failures. */
export interface CheckResponseFields {
  inputs: WireProps;
  failures: readonly { property: string; reason: string }[];
}

// Wire types.
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;

/** A message's tag: field number and wire type. */
function tag(field: number, wireType: number): number {
  return (field << 3) | wireType;
}

class MalformedMessage extends Error {
  constructor(what: string) {
    super(`the engine sent a malformed ${what}`);
  }
}

/** The end of the length-delimited field the reader is at. */
function end(reader: Reader): number {
  const length = reader.uint32();
  const at = reader.pos + length;
  if (at > reader.len) throw new MalformedMessage("message (a field runs past its end)");
  return at;
}

function readValue(reader: Reader, until: number): WireValue {
  let value: WireValue | undefined;
  while (reader.pos < until) {
    const t = reader.uint32();
    switch (t) {
      case tag(1, VARINT):
        reader.int32();
        value = null;
        break;
      case tag(2, FIXED64):
        value = reader.double();
        break;
      case tag(3, LENGTH_DELIMITED):
        value = reader.string();
        break;
      case tag(4, VARINT):
        value = reader.bool();
        break;
      case tag(5, LENGTH_DELIMITED):
        value = readStruct(reader, end(reader));
        break;
      case tag(6, LENGTH_DELIMITED):
        value = readList(reader, end(reader));
        break;
      default:
        reader.skipType(t & 7);
    }
  }
  // google-protobuf refuses a Value with no kind set as well ("Unexpected struct type").
  if (value === undefined) throw new MalformedMessage("google.protobuf.Value (no kind set)");
  return value;
}

function readList(reader: Reader, until: number): WireValue[] {
  const values: WireValue[] = [];
  while (reader.pos < until) {
    const t = reader.uint32();
    if (t === tag(1, LENGTH_DELIMITED)) values.push(readValue(reader, end(reader)));
    else reader.skipType(t & 7);
  }
  return values;
}

function readStruct(reader: Reader, until: number): WireProps {
  const fields = new Map<string, WireValue>();
  while (reader.pos < until) {
    const t = reader.uint32();
    if (t !== tag(1, LENGTH_DELIMITED)) {
      reader.skipType(t & 7);
      continue;
    }
    const entryEnd = end(reader);
    let key = "";
    let value: WireValue | undefined;
    while (reader.pos < entryEnd) {
      const u = reader.uint32();
      if (u === tag(1, LENGTH_DELIMITED)) key = reader.string();
      else if (u === tag(2, LENGTH_DELIMITED)) value = readValue(reader, end(reader));
      else reader.skipType(u & 7);
    }
    if (value === undefined) throw new MalformedMessage("google.protobuf.Struct (a field without a value)");
    fields.set(key, value);
  }
  const struct: WireProps = {};
  for (const key of [...fields.keys()].sort()) {
    // A key "__proto__" is a property like any other, not the object's prototype.
    if (key === "__proto__") Object.defineProperty(struct, key, { value: fields.get(key), enumerable: true, writable: true, configurable: true });
    else struct[key] = fields.get(key)!;
  }
  return struct;
}

/** How each length-delimited field a message's decoder keeps is read, by field number; the others are skipped. */
type FieldReaders<T> = Readonly<Record<number, (reader: Reader, message: T) => void>>;

function decodeMessage<T>(bytes: Uint8Array, message: T, fields: FieldReaders<T>): T {
  const reader = Reader.create(bytes);
  while (reader.pos < reader.len) {
    const t = reader.uint32();
    const read = (t & 7) === LENGTH_DELIMITED ? fields[t >>> 3] : undefined;
    if (read) read(reader, message);
    else reader.skipType(t & 7);
  }
  return message;
}

const struct = (reader: Reader): WireProps => readStruct(reader, end(reader));

const CHECK_REQUEST: FieldReaders<CheckRequestFields> = {
  1: (r, m) => (m.urn = r.string()),
  2: (r, m) => (m.olds = struct(r)),
  3: (r, m) => (m.news = struct(r)),
  6: (r, m) => (m.name = r.string()),
  7: (r, m) => (m.type = r.string()),
};

const DIFF_REQUEST: FieldReaders<DiffRequestFields> = {
  1: (r, m) => (m.id = r.string()),
  2: (r, m) => (m.urn = r.string()),
  3: (r, m) => (m.olds = struct(r)),
  4: (r, m) => (m.news = struct(r)),
  5: (r, m) => m.ignoreChanges.push(r.string()),
  6: (r, m) => (m.oldInputs = struct(r)),
  7: (r, m) => (m.name = r.string()),
  8: (r, m) => (m.type = r.string()),
};

/** Decodes a `CheckRequest` (urn 1, olds 2, news 3, name 6, type 7). */
export function decodeCheckRequest(bytes: Uint8Array): CheckRequestFields {
  return decodeMessage(bytes, { urn: "", name: "", type: "", olds: {}, news: {} }, CHECK_REQUEST);
}

/** Decodes a `DiffRequest` (id 1, urn 2, olds 3, news 4, ignoreChanges 5, oldInputs 6, name 7, type 8). */
export function decodeDiffRequest(bytes: Uint8Array): DiffRequestFields {
  return decodeMessage(bytes, { id: "", urn: "", name: "", type: "", olds: {}, news: {}, oldInputs: undefined, ignoreChanges: [] }, DIFF_REQUEST);
}

function writeValue(writer: Writer, value: WireValue): void {
  if (value === null) writer.uint32(tag(1, VARINT)).int32(0);
  else if (typeof value === "number") writer.uint32(tag(2, FIXED64)).double(value);
  else if (typeof value === "string") writer.uint32(tag(3, LENGTH_DELIMITED)).string(value);
  else if (typeof value === "boolean") writer.uint32(tag(4, VARINT)).bool(value);
  else if (Array.isArray(value)) {
    writer.uint32(tag(6, LENGTH_DELIMITED)).fork();
    for (const item of value) {
      writer.uint32(tag(1, LENGTH_DELIMITED)).fork();
      writeValue(writer, item);
      writer.ldelim();
    }
    writer.ldelim();
  } else {
    writer.uint32(tag(5, LENGTH_DELIMITED)).fork();
    writeStruct(writer, value);
    writer.ldelim();
  }
}

function writeStruct(writer: Writer, struct: WireProps): void {
  for (const key of Object.keys(struct).sort()) {
    writer.uint32(tag(1, LENGTH_DELIMITED)).fork();
    writer.uint32(tag(1, LENGTH_DELIMITED)).string(key);
    writer.uint32(tag(2, LENGTH_DELIMITED)).fork();
    writeValue(writer, struct[key]!);
    writer.ldelim();
    writer.ldelim();
  }
}

/** Encodes a `CheckResponse` (inputs 1, failures 2: property 1, reason 2). */
export function encodeCheckResponse(response: CheckResponseFields): Buffer {
  const writer = Writer.create();
  writer.uint32(tag(1, LENGTH_DELIMITED)).fork();
  writeStruct(writer, response.inputs);
  writer.ldelim();
  for (const failure of response.failures) {
    writer.uint32(tag(2, LENGTH_DELIMITED)).fork();
    writer.uint32(tag(1, LENGTH_DELIMITED)).string(failure.property);
    writer.uint32(tag(2, LENGTH_DELIMITED)).string(failure.reason);
    writer.ldelim();
  }
  const bytes = writer.finish();
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
}
