/**
 * The provider process's one connection to the workspace: the API client (one token, one rate limiter
 * for every resource the process serves) and the read a preview's `check` makes for the `diff` that
 * follows it. Nothing here is serialized into Pulumi state; credentials are resolved at first use.
 */
import { TorqClient } from "./client/client";
import { resolveConnection, type ConfigSource, type TorqConnection } from "./config";
import { readWorkspace, type WorkspaceView } from "./resources/workspaceView";

/**
 * How long a read may serve the next step of the same operation in this process: the `diff` the
 * engine calls right after `check`, and the apply right after that when the workspace offers ETags
 * (its writes then carry `If-Match`, so a list that changed since is caught by the first write).
 */
const RECENT_READ_MS = 5_000;

/** One workspace, as this process talks to it. */
export class WorkspaceContext {
  readonly client: TorqClient;
  private recent: { view: WorkspaceView; at: number } | undefined;

  constructor(readonly connection: TorqConnection) {
    this.client = new TorqClient(connection);
  }

  /** Reads roles and rules afresh, and keeps the read for the next step of this operation. */
  async readForCheck(): Promise<WorkspaceView> {
    const view = await readWorkspace(this.client);
    this.recent = { view, at: Date.now() };
    return view;
  }

  /** The read `check` just made, when recent, else a new one. */
  async readForDiff(): Promise<WorkspaceView> {
    const recent = this.recent;
    if (recent && Date.now() - recent.at <= RECENT_READ_MS) return recent.view;
    return this.readForCheck();
  }

  /**
   * The list to start applying from: the recent read when the workspace offers ETags (every write is
   * then conditional on it), otherwise a new one. Any read kept is forgotten: applying writes.
   */
  async readForApply(): Promise<WorkspaceView> {
    const recent = this.recent;
    this.recent = undefined;
    if (recent && recent.view.etag !== undefined && Date.now() - recent.at <= RECENT_READ_MS) return recent.view;
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
