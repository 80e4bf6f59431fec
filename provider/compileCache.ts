/**
 * Node's on-disk compile cache (`NODE_COMPILE_CACHE`) in the dynamic-provider process. Node writes
 * the cache when a process exits, but the engine ends its plugins with SIGKILL, so a provider
 * process never would and every run would compile @pulumi/pulumi and this package afresh. Here the
 * cache is written as soon as the modules have loaded and then every second, for modules loaded
 * later (a write with nothing new to add costs microseconds).
 */
import * as nodeModule from "node:module";
import { dynamicProviderEngineAddress } from "./engineWatch";

const WRITE_EVERY_MS = 1000;

let started = false;

/** In a dynamic-provider process with the compile cache on, keeps the cache written; anywhere else it does nothing. */
export function keepCompileCacheInProviderHost(): void {
  if (dynamicProviderEngineAddress() !== undefined) keepCompileCacheWritten();
}

/** With the compile cache on, keeps it written from now on: for a process the engine ends with SIGKILL (a provider's). */
export function keepCompileCacheWritten(): void {
  // flushCompileCache is Node >= 22.10; an older Node simply runs without.
  if (started || typeof nodeModule.flushCompileCache !== "function" || typeof nodeModule.getCompileCacheDir !== "function") return;
  if (nodeModule.getCompileCacheDir() === undefined) return;
  started = true;
  const write = (): void => nodeModule.flushCompileCache();
  setImmediate(write).unref();
  setInterval(write, WRITE_EVERY_MS).unref();
}
