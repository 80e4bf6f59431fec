/**
 * A stand-in for the Pulumi engine in the provider's tests: an HTTP/2 server on loopback (gRPC's
 * transport) that can die the way a killed process does, every connection at once.
 */
import { once } from "node:events";
import { createServer, type Http2Server, type ServerHttp2Session } from "node:http2";
import type { AddressInfo } from "node:net";

/** The engine as the provider sees it: an address that accepts HTTP/2 connections. */
export class FakeEngine {
  private readonly sessions = new Set<ServerHttp2Session>();
  private constructor(private readonly server: Http2Server) {
    server.on("session", (session) => {
      this.sessions.add(session);
      session.once("close", () => this.sessions.delete(session));
    });
  }

  static async start(): Promise<FakeEngine> {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return new FakeEngine(server);
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get connections(): number {
    return this.sessions.size;
  }

  /** Cuts the open connections but goes on listening (an idle timeout, say). */
  dropConnections(): void {
    for (const session of this.sessions) session.destroy();
  }

  /** Stops listening and cuts every connection. */
  async die(): Promise<void> {
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.dropConnections();
    await closed;
  }
}
