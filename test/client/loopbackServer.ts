/**
 * Tiny real `node:http` servers on 127.0.0.1:0 for what the local workspace will not play: answers
 * that are not JSON or have the wrong shape, and a forwarding proxy in front of a workspace that
 * sees every header the client sends (so tests know the bearer tokens to look for) and can rewrite
 * the token endpoint's answer.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TOKEN_PATH } from "../../provider/client/paths";

/** One request a loopback server received. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type LoopbackHandler = (request: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

/** A running loopback server and what it received. */
export interface LoopbackServer {
  readonly url: string;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Starts a server answering every request with `handler`. */
export async function startLoopbackServer(handler: LoopbackHandler): Promise<LoopbackServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const request: ReceivedRequest = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: await readBody(req) };
      received.push(request);
      await handler(request, res);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Writes a complete answer. */
export function answer(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body);
}

/** A well-formed token answer, for servers that only misbehave on the API. */
export const GOOD_TOKEN_ANSWER = JSON.stringify({ access_token: "loopback-token", expires_in: 3600, token_type: "Bearer" });

/**
 * A server that issues tokens properly and answers every other request with `api`: the shape of a
 * workspace API that misbehaves.
 */
export function startMisbehavingApi(api: LoopbackHandler): Promise<LoopbackServer> {
  return startLoopbackServer((request, res) => {
    if (request.method === "POST" && request.url === TOKEN_PATH) return answer(res, 200, GOOD_TOKEN_ANSWER);
    return api(request, res);
  });
}

/** Forwards one request to `target` and returns the answer's status, headers and body. */
function forward(target: string, request: ReceivedRequest): Promise<{ status: number; headers: IncomingMessage["headers"]; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = { ...request.headers };
    delete headers.host;
    const outgoing = httpRequest(target + request.url, { method: request.method, headers }, (incoming) => {
      readBody(incoming).then((body) => resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body }), reject);
    });
    outgoing.on("error", reject);
    outgoing.end(request.body);
  });
}

/**
 * A proxy in front of `target` that records every request (headers included) and lets
 * `rewriteToken` change the token endpoint's JSON answer.
 */
export function startRecordingProxy(target: string, rewriteToken: (token: Record<string, unknown>) => Record<string, unknown> = (t) => t): Promise<LoopbackServer> {
  return startLoopbackServer(async (request, res) => {
    let upstream: Awaited<ReturnType<typeof forward>>;
    try {
      upstream = await forward(target, request);
    } catch {
      res.destroy();
      return;
    }
    let body = upstream.body;
    if (request.url === TOKEN_PATH && upstream.status === 200) {
      body = JSON.stringify(rewriteToken(JSON.parse(body) as Record<string, unknown>));
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (typeof value === "string" && name !== "content-length" && name !== "connection" && name !== "transfer-encoding") headers[name] = value;
    }
    answer(res, upstream.status, body, headers);
  });
}

/** The bearer tokens a proxy saw the client send. */
export function bearerTokensSeen(server: LoopbackServer): string[] {
  const tokens = server.received.flatMap((request) => /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? []);
  return [...new Set(tokens)];
}
