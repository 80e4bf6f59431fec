/**
 * Fetching SAML IdP metadata from `metadataUrl`: https only (http for loopback), a time limit, a
 * size cap, and a one-line reason for every failure.
 */
import { MAX_METADATA_BYTES } from "../saml";
import { secureUrlProblem } from "../urls";

export const METADATA_FETCH_TIMEOUT_MS = 10_000;

export class MetadataFetchError extends Error {
  override readonly name = "MetadataFetchError";
}

export async function fetchMetadata(url: string): Promise<string> {
  const problem = secureUrlProblem(url);
  if (problem) throw new MetadataFetchError(`metadataUrl ${problem}`);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(METADATA_FETCH_TIMEOUT_MS), redirect: "follow" });
  } catch (err) {
    const reason = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${METADATA_FETCH_TIMEOUT_MS / 1000} s` : "could not be reached";
    throw new MetadataFetchError(`metadataUrl ${url} ${reason}`);
  }
  if (!response.ok) throw new MetadataFetchError(`metadataUrl ${url} answered HTTP ${response.status}`);
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_METADATA_BYTES) throw new MetadataFetchError(`metadataUrl ${url} is larger than ${MAX_METADATA_BYTES} bytes`);
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_METADATA_BYTES) {
      await reader.cancel();
      throw new MetadataFetchError(`metadataUrl ${url} is larger than ${MAX_METADATA_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
