/**
 * The workspace's SQLite file: WAL journal, a busy timeout so several writers (threads, processes,
 * or two servers on one file) queue instead of failing, and transactions that are synchronous from
 * BEGIN to COMMIT, so no lock is ever held across an `await`.
 */
import { closeSync, mkdirSync, openSync } from "node:fs";
import * as path from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { unavailable } from "../http/apiError";
import { migrate } from "./schema";

/** How long a writer waits for another writer's lock before the request fails with 503. */
const BUSY_TIMEOUT_MS = 10_000;

/** Parameters bound to a statement, by `:name`. */
export type Params = Record<string, SQLInputValue>;

/**
 * Called inside every write transaction before it changes anything; what it returns runs after the
 * commit. The stale-read fault uses it to keep the state before the last write.
 */
export type BeforeWrite = () => (() => void) | undefined;

/** An open workspace database. */
export class WorkspaceDatabase {
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  beforeWrite: BeforeWrite | undefined;

  /**
   * Opens (creating it and its folder if needed) `file`, or an in-memory database for `:memory:`.
   * A file it creates is mode 0600 (SQLite gives its -wal and -shm files the same mode), a folder
   * it creates 0700: the file holds hashes and sealed values only, but they are nobody else's.
   */
  constructor(readonly file: string) {
    if (file !== ":memory:") createPrivately(file);
    this.db = new DatabaseSync(file);
    try {
      this.db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.db.exec("PRAGMA journal_mode = WAL");
      // FULL: every acknowledged write is on disk before the answer leaves, even across a power cut.
      this.db.exec("PRAGMA synchronous = FULL");
      this.db.exec("PRAGMA foreign_keys = ON");
      this.write(() => migrate(this), { snapshot: false });
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs a statement that changes rows; returns how many it changed. */
  run(sql: string, params: Params = {}): number {
    return Number(this.statement(sql).run(params).changes);
  }

  /** The first row of a query, or undefined. */
  get<Row>(sql: string, params: Params = {}): Row | undefined {
    return this.statement(sql).get(params) as Row | undefined;
  }

  /** All rows of a query. */
  all<Row>(sql: string, params: Params = {}): Row[] {
    return this.statement(sql).all(params) as Row[];
  }

  /** Runs DDL or several statements. */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** Runs `read` in one read transaction, so everything it reads is from the same commit. */
  read<T>(read: () => T): T {
    if (this.db.isTransaction) return read();
    return this.transaction("BEGIN", read);
  }

  /**
   * Runs `write` in one `BEGIN IMMEDIATE` transaction: the write lock is taken first, so
   * read-modify-write sequences of concurrent writers are serialized and none is lost.
   */
  write<T>(write: () => T, options: { snapshot?: boolean } = {}): T {
    if (this.db.isTransaction) throw new Error("nested write transaction");
    let afterCommit: (() => void) | undefined;
    const result = this.transaction("BEGIN IMMEDIATE", () => {
      if (options.snapshot === false || this.beforeWrite === undefined) return write();
      const changesBefore = this.totalChanges();
      const onCommit = this.beforeWrite();
      const value = write();
      // A transaction that changed nothing (a refused or replayed write) is not "the last write".
      if (this.totalChanges() !== changesBefore) afterCommit = onCommit;
      return value;
    });
    afterCommit?.();
    return result;
  }

  private totalChanges(): number {
    return Number(this.get<{ n: number }>("SELECT total_changes() AS n")!.n);
  }

  private transaction<T>(begin: string, body: () => T): T {
    try {
      this.db.exec(begin);
    } catch (err) {
      throw isBusy(err) ? unavailable("the workspace data file is locked by another writer; retry") : err;
    }
    try {
      const result = body();
      this.db.exec("COMMIT");
      return result;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw isBusy(err) ? unavailable("the workspace data file is locked by another writer; retry") : err;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

/** Creates `file` empty with mode 0600 (and its missing folders 0700), unless it exists. */
function createPrivately(file: string): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, "wx", 0o600));
  } catch {
    // It exists, or cannot be made: opening it below fails with SQLite's own reason if it must.
  }
}

function isBusy(err: unknown): boolean {
  const errcode = (err as { errcode?: unknown } | null)?.errcode;
  return errcode === 5 || errcode === 6; // SQLITE_BUSY, SQLITE_LOCKED
}
