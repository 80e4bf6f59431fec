/**
 * List pagination as Torq documents it: `page_size` (default 50, at most 100; 0 means the default,
 * as in Google's AIP-158) and an opaque `page_token`; `next_page_token` is "" on the last page.
 * A token names the list it belongs to and the offset of the next page.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../provider/schemas/api";
import { invalidArgument } from "./http/apiError";

/** One page of a list, and the token for the next page ("" when this is the last). */
export interface Page<T> {
  items: T[];
  nextPageToken: string;
}

/** What a query asks for: `size` items from `offset` on, of the list named `list`. */
export interface PageRequest {
  list: string;
  offset: number;
  size: number;
}

function pageSizeOf(query: URLSearchParams): number {
  const raw = query.get("page_size");
  if (raw === null || raw === "") return DEFAULT_PAGE_SIZE;
  const size = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(size >= 0 && size <= MAX_PAGE_SIZE)) {
    throw invalidArgument("page_size", `page_size must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  return size === 0 ? DEFAULT_PAGE_SIZE : size;
}

function encodeToken(list: string, offset: number): string {
  return Buffer.from(`${list}:${offset}`, "utf8").toString("base64url");
}

function offsetOf(query: URLSearchParams, list: string): number {
  const token = query.get("page_token");
  if (token === null || token === "") return 0;
  const match = /^([a-z_]+):(\d{1,9})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (match === null || match[1] !== list || encodeToken(list, Number(match[2])) !== token) {
    throw invalidArgument("page_token", "page_token is not a token this list returned");
  }
  return Number(match[2]);
}

/** The page the query's page_size and page_token ask for, of the list named `list`; 400 when they are bad. */
export function pageRequest(query: URLSearchParams, list: string): PageRequest {
  const size = pageSizeOf(query);
  return { list, offset: offsetOf(query, list), size };
}

/**
 * The page `request` asked for, from `fetched`: the list's items from `request.offset` on, at most
 * `request.size + 1` of them (one more than the page, which tells whether another page follows).
 */
export function pageFrom<T>(fetched: readonly T[], request: PageRequest): Page<T> {
  const end = request.offset + request.size;
  return {
    items: fetched.slice(0, request.size),
    nextPageToken: fetched.length > request.size ? encodeToken(request.list, end) : "",
  };
}

/** The page of `items` (the whole list named `list`) that the query's page_size and page_token ask for. */
export function paginate<T>(items: readonly T[], query: URLSearchParams, list: string): Page<T> {
  const request = pageRequest(query, list);
  return pageFrom(items.slice(request.offset, request.offset + request.size + 1), request);
}
