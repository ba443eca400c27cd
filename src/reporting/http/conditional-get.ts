/**
 * Caches (browsers, a CDN) may store public documents but must revalidate every time: a
 * revalidation costs one cheap query and answers 304 until the ledger moves.
 */
export const REVALIDATE = 'public, no-cache';

/** True when an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function matchesEtag(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return [ifNoneMatch]
    .flat()
    .flatMap((header) => header.split(','))
    .some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}
