/**
 * Reading a request body: bounded in size, checked for its content type, parsed, and validated with
 * the payload's zod schema from provider/schemas/api.ts. Every problem becomes a 4xx `ApiError`
 * naming the field; nothing of the body itself is echoed back.
 */
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { MAX_BODY_BYTES } from "../../provider/schemas/api";
import { ApiError, GRPC_CODE, invalidArgument } from "./apiError";

/** Past this many bytes an oversized upload is no longer drained but cut off. */
const DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES;

/** 413 for a body over MAX_BODY_BYTES; code 3 (INVALID_ARGUMENT) as gRPC has no better one. */
function payloadTooLarge(): ApiError {
  return new ApiError(
    413,
    GRPC_CODE.INVALID_ARGUMENT,
    "INVALID_ARGUMENT",
    `the request body is larger than ${MAX_BODY_BYTES} bytes`,
    "body",
    { Connection: "close" },
  );
}

/** The client went away (or was cut off) before its body arrived; there is no one left to answer. */
export class ConnectionClosedError extends Error {
  override readonly name = "ConnectionClosedError";
}

/** 415 naming Content-Type. */
function unsupportedMediaType(expected: string, got: string | undefined): ApiError {
  const shown = got === undefined ? "none" : got.slice(0, 80);
  return new ApiError(
    415,
    GRPC_CODE.INVALID_ARGUMENT,
    "INVALID_ARGUMENT",
    `Content-Type must be ${expected} (got ${shown})`,
    "Content-Type",
  );
}

/** The request's media type, lower-cased and without parameters, or undefined when absent. */
function mediaTypeOf(req: IncomingMessage): string | undefined {
  const header = req.headers["content-type"];
  if (header === undefined || header.trim() === "") return undefined;
  return header.split(";")[0]!.trim().toLowerCase();
}

/**
 * The raw body, at most MAX_BODY_BYTES. A larger one is drained (so the client can read the 413)
 * up to DRAIN_LIMIT_BYTES, past which the connection is cut.
 */
export function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > DRAIN_LIMIT_BYTES) {
      // Not worth draining: answer now; `Connection: close` ends the connection after the answer.
      reject(payloadTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > MAX_BODY_BYTES;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        if (size > DRAIN_LIMIT_BYTES) req.socket.destroy();
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    req.on("end", () => (tooLarge ? reject(payloadTooLarge()) : resolve(Buffer.concat(chunks))));
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) reject(new ConnectionClosedError("the connection closed before the request body arrived"));
    });
  });
}

function joinPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** One zod issue as `{ field, message }`, the message always starting with the field's name. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): { field: string; message: string } {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => joinPath([...issue.path, key]));
    return { field: keys[0]!, message: `unknown field${keys.length > 1 ? "s" : ""} ${keys.join(", ")}` };
  }
  if (issue.path.length === 0) {
    return { field: "body", message: issue.code === "invalid_type" ? "the body must be a JSON object" : `body: ${issue.message}` };
  }
  const field = joinPath(issue.path);
  if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined) {
    return { field, message: `${field} is required` };
  }
  return { field, message: issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}` };
}

/** Validates `value` with `schema`; every problem is listed in one 400 that names the first field. */
export function validatePayload<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describeIssue(issue, value));
  throw invalidArgument(problems[0]!.field, problems.map((problem) => problem.message).join("; "));
}

/** The body as JSON validated by `schema`: 413 too large, 415 not JSON, 400 malformed or invalid. */
export async function readJsonBody<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.output<S>> {
  const raw = await readRawBody(req);
  const mediaType = mediaTypeOf(req);
  if (raw.length === 0 && mediaType === undefined) throw invalidArgument("body", "a JSON body is required");
  if (mediaType !== "application/json") throw unsupportedMediaType("application/json", mediaType);
  if (raw.length === 0) throw invalidArgument("body", "a JSON body is required");
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    // JSON.parse's message quotes the input, which may hold a secret: say only what is wrong.
    throw invalidArgument("body", "the body is not valid JSON");
  }
  return validatePayload(schema, parsed);
}

/** The body as `application/x-www-form-urlencoded` fields (the token endpoint's format). */
export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  const raw = await readRawBody(req);
  const mediaType = mediaTypeOf(req);
  if (mediaType !== "application/x-www-form-urlencoded" && !(raw.length === 0 && mediaType === undefined)) {
    throw unsupportedMediaType("application/x-www-form-urlencoded", mediaType);
  }
  return new URLSearchParams(raw.toString("utf8"));
}
