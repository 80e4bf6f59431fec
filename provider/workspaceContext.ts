/**
 * The provider process's one connection to the workspace: the API client (one token, one rate limiter
 * for every resource the process serves) and the read a preview's `check` makes for the `diff` that
 * follows it. Nothing here is serialized into Pulumi state; credentials are resolved at first use.
 */
import { TorqClient } from "./client/client";
import { resolveConnection, type ConfigSource, type TorqConnection } from "./config";
import { readWorkspace, type WorkspaceView } from "./resources/workspaceView";

/**
 * How long a read made by `check` may serve the `diff` the engine calls right after it, in the same
 * process and the same preview. Applying always reads afresh.
 */
const PREVIEW_READ_REUSE_MS = 5_000;

/** One workspace, as this process talks to it. */
export class WorkspaceContext {
  readonly client: TorqClient;
  private previewRead: { view: WorkspaceView; at: number } | undefined;

  constructor(readonly connection: TorqConnection) {
    this.client = new TorqClient(connection);
  }

  /** Reads roles and rules afresh, and keeps the read for the `diff` that follows this `check`. */
  async readForCheck(): Promise<WorkspaceView> {
    const view = await readWorkspace(this.client);
    this.previewRead = { view, at: Date.now() };
    return view;
  }

  /** The read `check` just made, when fresh (taken once), else a new read. */
  async readForDiff(): Promise<WorkspaceView> {
    const read = this.previewRead;
    this.previewRead = undefined;
    if (read && Date.now() - read.at <= PREVIEW_READ_REUSE_MS) return read.view;
    return readWorkspace(this.client);
  }
}

let configSource: ConfigSource | undefined;
let context: WorkspaceContext | undefined;

function sameConnection(a: TorqConnection, b: TorqConnection): boolean {
  return a.apiUrl === b.apiUrl && a.authUrl === b.authUrl && a.clientId === b.clientId && a.clientSecret === b.clientSecret && a.region === b.region;
}

/**
 * Called by the dynamic provider's `configure` with the stack's config (secrets decrypted), once per
 * resource kind. The context is kept while the connection stays the same, so every resource kind
 * shares one token and one rate limiter.
 */
export function configureProvider(config: ConfigSource | undefined): void {
  configSource = config;
  if (!context) return;
  let next: TorqConnection | undefined;
  try {
    next = resolveConnection(config);
  } catch {
    next = undefined; // the one-line reason is raised at first use
  }
  if (!next || !sameConnection(context.connection, next)) context = undefined;
}

/** The workspace this process talks to; resolving credentials here makes a missing one a one-line error. */
export function workspace(): WorkspaceContext {
  context ??= new WorkspaceContext(resolveConnection(configSource));
  return context;
}
