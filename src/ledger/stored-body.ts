/**
 * A journal transaction's canonical body as read back by verification. Nothing in it is
 * trusted: a tampered body may hold anything its hash was recomputed for, so every field is
 * `unknown` until checked.
 */
export interface StoredBody {
  id?: unknown;
  kind?: unknown;
  actorPrincipalId?: unknown;
  escrowAccountId?: unknown;
  occurredAt?: unknown;
  refs?: unknown;
  details?: unknown;
  postings?: unknown;
}

export interface StoredPosting {
  account?: unknown;
  currency?: unknown;
  amount?: unknown;
}

/** The parsed body when it is a JSON object, else undefined (also for text that is not JSON). */
export function parseStoredBody(text: string): StoredBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as StoredBody) : undefined;
  } catch {
    return undefined;
  }
}

/** A posting read from a body when it is an object, else undefined. */
export function storedPosting(value: unknown): StoredPosting | undefined {
  return typeof value === 'object' && value !== null ? (value as StoredPosting) : undefined;
}
