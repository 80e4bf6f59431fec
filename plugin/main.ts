/**
 * The entry point of `pulumi-resource-torq`: the engine starts it with its own gRPC address as the
 * first argument (after any flags), and reads the port the plugin serves on from the first line of
 * its stdout.
 */
import * as grpc from "@grpc/grpc-js";
import { keepCompileCacheWritten } from "../provider/compileCache";
import { watchProviderEngine } from "../provider/engineWatch";
import { TORQ_PROVIDER_SERVICE, TorqProviderService } from "./server";

/** The engine's address: the first argument that is not a flag (`-v=9`, `--logtostderr`, `--tracing URL`). */
export function engineAddressOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--tracing" || arg === "-tracing") i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

/** What the launcher (plugin/launcher.ts) asks of the plugin it starts. */
export interface StartOptions {
  /** Called once, just after the plugin has answered its first resource operation other than check. */
  afterFirstOperation?: () => void;
}

async function main(options: StartOptions): Promise<void> {
  const engineAddress = engineAddressOf(process.argv.slice(2));
  // As the dynamic-provider host does: once the engine is gone (pulumi killed), write nothing more
  // and exit; and keep Node's compile cache, which the engine's SIGKILL at the end would lose.
  if (engineAddress) watchProviderEngine(engineAddress);
  keepCompileCacheWritten();
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(TORQ_PROVIDER_SERVICE, new TorqProviderService(engineAddress, options.afterFirstOperation).handlers() as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  process.stdout.write(`${port}\n`);
}

/** Serves the engine: what the launcher calls, and what `node dist/plugin/bundle.js` runs. */
export function start(options: StartOptions = {}): void {
  main(options).catch((err: unknown) => {
    process.stderr.write(`pulumi-resource-torq: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

if (require.main === module) start();
