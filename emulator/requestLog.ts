/**
 * [local, test hooks] The requests served since the last reset, so tests can count calls. Test-hook
 * calls are not logged; token calls are. A connection dropped by a fault is logged with status 0.
 */
import type { RequestLogEntry } from "./testHookSchemas";

/** Oldest entries are forgotten past this many, so a long-running workspace stays small. */
const MAX_ENTRIES = 10_000;

/** The log of requests since the last reset. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];

  record(method: string, path: string, status: number): void {
    this.entries.push({ method, path, status, at: new Date().toISOString() });
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): RequestLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
