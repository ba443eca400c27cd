/** A proof for given sizes, or the checkpoint signed at a size, never changes: shared caches may keep it for good. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
