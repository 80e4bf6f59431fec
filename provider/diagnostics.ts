/**
 * What the provider tells the person running `pulumi`: plan summaries, warnings and notes.
 *
 * Pulumi's Node dynamic-provider host gives a provider no way to log: whatever it writes to stderr
 * the engine shows as an `info#err` line of the stack (pulumi/pulumi#3080), so a warning would not
 * read as one in `pulumi preview --json`. The host is started with the engine's address as its first
 * argument, though, and the engine serves its Log service there: inside that host, messages go to it
 * with their real severity. Anywhere else (tests, the `torq-sso` command, a host whose engine cannot
 * be reached) they go to stderr, warnings prefixed `warning: `.
 */
import type * as grpc from "@grpc/grpc-js";
import { AsyncLocalStorage } from "node:async_hooks";

/** How serious a message is; `warning` reaches `pulumi preview --json` as `"severity": "warning"`. */
export type Severity = "info" | "warning";

interface EngineLog {
  send(severity: Severity, message: string): Promise<void>;
}

let engine: EngineLog | null | undefined;
const pending = new Set<Promise<void>>();

/** The engine's address when this process is Pulumi's Node dynamic-provider host, else undefined. */
export function dynamicProviderEngineAddress(): string | undefined {
  const main = require.main?.filename ?? "";
  if (!/[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(main)) return undefined;
  const address = process.argv[2];
  return address && /^[\w.-]+:\d+$|^\[[\d:a-f]+\]:\d+$/i.test(address) ? address : undefined;
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded only inside the provider host, so tests and the CLI never pay for gRPC */
function connectEngine(address: string): EngineLog {
  const grpcJs = require("@grpc/grpc-js") as typeof grpc;
  const { EngineClient } = require("@pulumi/pulumi/proto/engine_grpc_pb") as typeof import("@pulumi/pulumi/proto/engine_grpc_pb");
  const { LogRequest, LogSeverity } = require("@pulumi/pulumi/proto/engine_pb") as typeof import("@pulumi/pulumi/proto/engine_pb");
  const client = new EngineClient(address, grpcJs.credentials.createInsecure());
  return {
    send(severity, message) {
      const request = new LogRequest();
      request.setSeverity(severity === "warning" ? LogSeverity.WARNING : LogSeverity.INFO);
      request.setMessage(message);
      return new Promise((resolve, reject) => client.log(request, (err) => (err ? reject(err) : resolve())));
    },
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

function engineLog(): EngineLog | null {
  if (engine === undefined) {
    const address = dynamicProviderEngineAddress();
    engine = address ? connectEngine(address) : null;
  }
  return engine;
}

function toStderr(severity: Severity, message: string): void {
  process.stderr.write(`${severity === "warning" ? "warning: " : ""}${message}\n`);
}

/**
 * Where the messages of one provider operation go, when something other than the dynamic-provider
 * host serves it: the resource provider plugin sets one per gRPC call, bound to the resource's URN,
 * so the engine shows each message on that resource at its severity.
 */
export interface DiagnosticsContext {
  send(severity: Severity, message: string): Promise<void>;
}

const operationContext = new AsyncLocalStorage<DiagnosticsContext>();

/** Runs one provider operation with its messages sent to `context` (the same provider code, logged against the right resource). */
export function withDiagnosticsContext<T>(context: DiagnosticsContext, operation: () => Promise<T>): Promise<T> {
  return operationContext.run(context, operation);
}

/** Tells the user something, at a severity; delivery to the engine finishes by `flushDiagnostics()`. */
export function report(message: string, severity: Severity = "info"): void {
  const text = message.replace(/\n+$/, "");
  const log = operationContext.getStore() ?? engineLog();
  if (!log) {
    toStderr(severity, text);
    return;
  }
  const sent: Promise<void> = log.send(severity, text).catch(() => toStderr(severity, text));
  pending.add(sent);
  void sent.finally(() => pending.delete(sent));
}

/** A warning: reaches the reviewer as a warning wherever the platform carries severities. */
export function warn(message: string): void {
  report(message, "warning");
}

/** Waits until every message reported so far has reached the engine, so none is lost when an operation ends. */
export async function flushDiagnostics(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

const expectedEchoes = new Set<string>();
let echoFilterInstalled = false;

/**
 * The dynamic-provider host prints every error of check/diff/read/delete to stderr as
 * `${error}: ${error.stack}` before handing it to the engine, which prints it again: the user would
 * read each error twice, the first time ending in a stray `: `. Inside that host, this drops that one
 * echo of an error the provider raises; the engine's own copy, on the resource, is the one shown.
 */
export function dropHostEcho(error: Error): void {
  if (!dynamicProviderEngineAddress()) return;
  expectedEchoes.add(`${String(error)}: ${error.stack ?? ""}`);
  if (echoFilterInstalled) return;
  echoFilterInstalled = true;
  const original = console.error.bind(console);
  console.error = (...args: unknown[]): void => {
    if (args.length === 1 && typeof args[0] === "string" && expectedEchoes.delete(args[0])) return;
    original(...args);
  };
}
