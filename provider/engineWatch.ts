/**
 * The dynamic-provider process's watch on the Pulumi engine that started it. When the engine dies
 * (say `pulumi` is killed with SIGKILL), nothing else stops the provider: it would go on applying a
 * plan whose outcome nobody records, racing the next `pulumi up`. So, in a dynamic-provider process
 * only, this keeps an HTTP/2 connection open to the engine's gRPC server (its address is the
 * process's argument) and watches the process's parent; when the connection drops and the engine no
 * longer accepts connections, or the parent changes, every further workspace write is refused and
 * the process exits.
 */
import { connect as connectHttp2 } from "node:http2";
import { connect as connectTcp } from "node:net";
import { EngineGoneError } from "./errors";

export { EngineGoneError } from "./errors";

/** How often the parent process is checked, and how long to wait before reconnecting to a live engine. */
const POLL_MS = 1000;


/** What the watch reports to, and the parent it started under (when that is known). */
export interface EngineWatchOptions {
  /** Called once, when the engine is gone. */
  onGone: () => void;
  /** The process's parent when the watch starts: a different parent later means the engine died. Default: none checked. */
  parentPid?: number;
}

/** A running watch. */
export interface EngineWatch {
  /** Whether the engine was found gone (checked now against the parent, too). */
  gone(): boolean;
  /** Stops watching (tests). */
  stop(): void;
}

/**
 * The engine's gRPC address when this process is `@pulumi/pulumi/cmd/dynamic-provider`, else
 * undefined. The engine passes its address last, after flags such as `--logtostderr`, `-v=9` and
 * `--tracing <url>`.
 */
export function dynamicProviderEngineAddress(argv: readonly string[] = process.argv): string | undefined {
  if (!/[\\/]cmd[\\/]dynamic-provider(?:[\\/]index(?:\.js)?)?$/.test(argv[1] ?? "")) return undefined;
  return argv.slice(2).find((arg) => /^[^\s/]+:\d+$/.test(arg));
}

/**
 * Watches the engine at `address` (`host:port`): an open HTTP/2 connection (gRPC's transport) to it
 * closes the moment the engine dies, and a connection then refused confirms it. A connection closed
 * while the engine still listens (an idle timeout) is simply opened again. Nothing here keeps the
 * process alive.
 */
export function watchEngine(address: string, options: EngineWatchOptions): EngineWatch {
  const separator = address.lastIndexOf(":");
  const host = address.slice(0, separator).replace(/^\[(.*)\]$/, "$1");
  const port = Number(address.slice(separator + 1));
  let stopped = false;
  let isGone = false;
  let session: ReturnType<typeof connectHttp2> | undefined;
  const timers = new Set<NodeJS.Timeout>();

  const declareGone = (): void => {
    if (isGone || stopped) return;
    isGone = true;
    stop();
    options.onGone();
  };
  const parentChanged = (): boolean => options.parentPid !== undefined && process.ppid !== options.parentPid;
  const later = (fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, POLL_MS).unref();
    timers.add(timer);
  };

  const open = (): void => {
    if (stopped) return;
    const current = connectHttp2(`http://${address}`);
    session = current;
    current.unref();
    // A failed or dropped connection also ends in "close", which decides.
    current.on("error", () => undefined);
    current.once("close", () => {
      if (session === current) session = undefined;
      probe();
    });
  };
  const probe = (): void => {
    if (stopped) return;
    const socket = connectTcp({ host, port });
    socket.unref();
    socket.once("connect", () => {
      socket.destroy();
      later(open);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (err.code === "ECONNREFUSED") declareGone();
      else later(probe);
    });
  };

  const parentTimer = setInterval(() => {
    if (parentChanged()) declareGone();
  }, POLL_MS).unref();

  function stop(): void {
    stopped = true;
    clearInterval(parentTimer);
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    session?.destroy();
    session = undefined;
  }

  open();
  return {
    gone: () => {
      if (!isGone && parentChanged()) declareGone();
      return isGone;
    },
    stop,
  };
}

let providerHostWatch: EngineWatch | undefined;

/**
 * In a dynamic-provider process, starts the watch once: when the engine is gone, writes are refused
 * and the process exits. Anywhere else (the program, the CLI, tests) it does nothing.
 */
export function watchEngineIfProviderHost(): void {
  const address = dynamicProviderEngineAddress();
  if (address !== undefined) watchProviderEngine(address);
}

/**
 * Starts the watch of this provider process's engine at `address`, once: the dynamic-provider host's
 * (above) or the resource provider plugin's, whose engine address is its own argument.
 */
export function watchProviderEngine(address: string): void {
  if (providerHostWatch) return;
  const parent = process.ppid;
  providerHostWatch = watchEngine(address, {
    // Nobody reads this process's output any more, so it just ends, cutting any request in flight.
    onGone: () => process.exit(1),
    ...(parent > 1 ? { parentPid: parent } : {}),
  });
}

/** Throws EngineGoneError for a write (anything but GET) once this provider's engine is gone. */
export function refuseWriteWhenEngineGone(method: string, url: string): void {
  if (method !== "GET" && providerHostWatch?.gone()) {
    throw new EngineGoneError(`${method} ${url} was not sent: the Pulumi engine that started this provider is gone`);
  }
}
