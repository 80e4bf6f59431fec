/**
 * Fetching SAML IdP metadata from a URL: https only (plain http to a loopback host), at most five
 * redirects each checked like the first URL, a time limit and a size cap. Every failure is a
 * `MetadataFetchError` with a one-line reason; URLs in messages lose credentials, query and fragment.
 */
import { isLoopbackHost } from "../urls";
import { MetadataFetchError } from "./errors";
import { MAX_METADATA_BYTES } from "./safeXml";

export { MetadataFetchError } from "./errors";

/** How long fetching metadata from a URL may take, redirects and body included. */
export const FETCH_TIMEOUT_MS = 10_000;

/** Redirects followed when fetching metadata; each hop is checked like the first URL. */
const MAX_REDIRECTS = 5;


/**
 * GETs metadata over HTTPS (plain HTTP only from a loopback host), following at most five
 * redirects, each checked like the first URL, within `FETCH_TIMEOUT_MS` and `MAX_METADATA_BYTES`.
 */
export async function fetchMetadata(source: string): Promise<string> {
  let url = parseUrl(source);
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  for (let hop = 0; ; hop++) {
    checkTransport(url);
    const label = `GET ${displayUrl(url)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        redirect: "manual",
        signal,
        headers: { accept: "application/samlmetadata+xml, application/xml, text/xml;q=0.9, */*;q=0.1" },
      });
    } catch (err) {
      throw new MetadataFetchError(`${label} ${failure(err)}`, false);
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new MetadataFetchError(`${label} redirected more than ${MAX_REDIRECTS} times`, false);
      url = new URL(response.headers.get("location")!, url);
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new MetadataFetchError(`${label} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`, true);
    }
    try {
      return decodeMetadataBytes(await readCapped(response, label));
    } catch (err) {
      if (err instanceof MetadataFetchError) throw err;
      throw new MetadataFetchError(`${label} ${failure(err)}`, false);
    }
  }
}

function parseUrl(source: string): URL {
  try {
    return new URL(source);
  } catch {
    throw new MetadataFetchError("the metadata URL is not a valid URL", true);
  }
}

function checkTransport(url: URL): void {
  if (url.protocol === "https:") return;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return;
  if (url.protocol === "http:") {
    throw new MetadataFetchError(
      `refusing ${displayUrl(url)}: plain http is allowed only for loopback hosts (localhost, 127.0.0.0/8, ::1); use https`,
      true,
    );
  }
  throw new MetadataFetchError(`refusing ${displayUrl(url)}: only https (or http to a loopback host) is supported`, true);
}


async function readCapped(response: Response, label: string): Promise<Buffer> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > MAX_METADATA_BYTES) {
    await response.body?.cancel();
    throw new MetadataFetchError(`${label} answered more than ${MAX_METADATA_BYTES} bytes, refused`, true);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > MAX_METADATA_BYTES) {
        await response.body.cancel().catch(() => undefined);
        throw new MetadataFetchError(`${label} answered more than ${MAX_METADATA_BYTES} bytes, refused`, true);
      }
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}

/** UTF-8 unless a byte-order mark says UTF-16; a UTF-8 BOM is dropped by the parser. */
export function decodeMetadataBytes(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  return bytes.toString("utf8");
}

function failure(err: unknown): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return `timed out after ${FETCH_TIMEOUT_MS / 1000} s`;
  }
  const cause = err instanceof Error ? (err.cause as NodeJS.ErrnoException | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return `failed: ${String(detail).split("\n")[0]}`;
}

/** The URL without credentials, query or fragment, which may carry secrets. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

