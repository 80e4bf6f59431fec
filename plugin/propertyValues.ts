/**
 * Property values as the Pulumi engine sends them to a resource provider plugin and expects them
 * back: a protobuf `Struct` whose secrets are objects tagged with Pulumi's signature key, and whose
 * values not known yet (during a preview) are the unknown marker. The provider code takes plain
 * values, so secrets are unwrapped on the way in and their secretness put back on the way out: a
 * plugin that says it accepts secrets must mark its own outputs, as the engine no longer does.
 */
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { UNKNOWN } from "../provider/unknowns";

/** The key and value that tag an object as a secret wrapper (Pulumi's wire format, sdk/nodejs/runtime/rpc.ts). */
export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** A JSON-like value as it crosses the wire. */
export type WireValue = string | number | boolean | null | WireValue[] | WireProps;

/** An object as it crosses the wire: a resource's properties, secrets still wrapped. */
export type WireProps = { [key: string]: WireValue };

/** A resource's properties, plain. */
export type Props = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Whether a value is a secret wrapper. */
export function isSecret(value: unknown): boolean {
  return isRecord(value) && value[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

/** Wraps a value as a secret (a value already secret stays as it is). */
export function secret(value: unknown): unknown {
  return isSecret(value) ? value : { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/** The value with every secret wrapper, at any depth, replaced by what it wraps. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecret(value)) return unwrapSecrets((value as Record<string, unknown>)["value"]);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/** Whether a value holds a secret anywhere. */
export function containsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (isRecord(value)) return Object.values(value).some(containsSecret);
  return false;
}

/**
 * Marks secret every property of `outs` whose counterpart in `ins` is (or holds) a secret, and every
 * property named in `always`: what the engine itself does for a plugin that does not accept secrets.
 */
export function annotateSecrets(outs: Props, ins: Props, always: readonly string[] = []): Props {
  const annotated: Props = {};
  for (const [key, value] of Object.entries(outs)) {
    annotated[key] = containsSecret(ins[key]) || always.includes(key) ? secret(value) : value;
  }
  return annotated;
}

/** The properties of a request, plain (secrets unwrapped, unknowns left as the marker). */
export function fromStruct(struct: Struct | undefined): Props {
  return struct ? (unwrapSecrets(struct.toJavaScript()) as Props) : {};
}

/** The properties of a request as they came, secrets still wrapped: to know which were secret. */
export function rawFromStruct(struct: Struct | undefined): Props {
  return struct ? (struct.toJavaScript() as Props) : {};
}

/** A value ready for a `Struct`: undefined properties dropped (protobuf has no undefined). */
export function toWire(value: unknown): WireValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((v) => toWire(v) ?? null);
  if (isRecord(value)) {
    const out: WireProps = {};
    for (const [k, v] of Object.entries(value)) {
      const wire = toWire(v);
      if (wire !== undefined) out[k] = wire;
    }
    return out;
  }
  throw new TypeError(`cannot send a ${typeof value} to the engine`);
}

/** The unknown marker, for outputs a preview cannot know. */
export { UNKNOWN };
