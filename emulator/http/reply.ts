/**
 * What a route answers, before it is written to the socket. Routes return a `Reply` instead of
 * writing, so the request pipeline can still drop the connection after a write has committed.
 */
import type { ServerResponse } from "node:http";

/** A JSON answer: status, body and any extra headers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Readonly<Record<string, string>>;
}

/** A 200 answer with `body`. */
export function ok(body: unknown, headers?: Readonly<Record<string, string>>): Reply {
  return headers === undefined ? { status: 200, body } : { status: 200, body, headers };
}

/** Writes `reply` as JSON and ends the response. */
export function writeReply(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...reply.headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}
