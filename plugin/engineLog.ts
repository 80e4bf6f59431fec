/**
 * The engine's Log service, as the plugin reaches it: each message names the resource it is about
 * (its URN) and carries its severity, so `pulumi preview` shows it under that resource and
 * `--json` reports a warning as `"severity": "warning"`.
 */
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import type { DiagnosticsContext } from "../provider/diagnostics";

/** A connection to the engine that started the plugin. */
export class EngineLog {
  private readonly client: EngineClient;

  constructor(address: string) {
    this.client = new EngineClient(address, grpc.credentials.createInsecure());
  }

  /** Where the messages of one operation on the resource `urn` go (a message with no URN is about the stack). */
  about(urn: string): DiagnosticsContext {
    return {
      send: (severity, message) => {
        const request = new LogRequest();
        request.setSeverity(severity === "warning" ? LogSeverity.WARNING : LogSeverity.INFO);
        request.setMessage(message);
        request.setUrn(urn);
        return new Promise((resolve, reject) => this.client.log(request, (err) => (err ? reject(err) : resolve())));
      },
    };
  }

  close(): void {
    this.client.close();
  }
}

/** Where messages go when no engine is known (never the case once the engine has started the plugin). */
export const STDERR_DIAGNOSTICS: DiagnosticsContext = {
  send: async (severity, message) => {
    process.stderr.write(`${severity === "warning" ? "warning: " : ""}${message}\n`);
  },
};
