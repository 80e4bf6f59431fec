/**
 * [local, test hooks] Keeps the workspace's state as it was before the last committed write, which
 * the `stale_read` fault serves GETs from: what a lagging replica or a cache would answer.
 */
import type { WorkspaceDatabase } from "./store/database";
import { frozenView, type WorkspaceView } from "./store/workspaceView";

/** The state before the last committed write of this process, for the stale-read fault. */
export class StaleReads {
  private previous: WorkspaceView | undefined;

  /** Starts copying the state inside every write transaction of `db`. */
  constructor(db: WorkspaceDatabase) {
    db.beforeWrite = () => {
      const copy = frozenView(db);
      return () => {
        this.previous = copy;
      };
    };
  }

  /** The state before the last write, or undefined when nothing was written since start or reset. */
  view(): WorkspaceView | undefined {
    return this.previous;
  }

  clear(): void {
    this.previous = undefined;
  }
}
