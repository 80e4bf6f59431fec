/**
 * [local] The claim-mapping list's version as a strong ETag, and `If-Match` against it
 * (RFC 9110 section 13.1.1: strong comparison; `*` matches any current list).
 */

/** The ETag of list version `version`. */
export function formatEntityTag(version: number): string {
  return `"cm-${version}"`;
}

/** Whether an `If-Match` header value accepts the current ETag; an absent header accepts anything. */
export function ifMatchAccepts(header: string | undefined, currentTag: string): boolean {
  if (header === undefined) return true;
  return header
    .split(",")
    .map((candidate) => candidate.trim())
    .some((candidate) => candidate === "*" || candidate === currentTag);
}
