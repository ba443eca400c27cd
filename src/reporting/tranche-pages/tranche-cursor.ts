import { InvalidInput } from '../../common/errors/common-errors';
import type { TrancheKey } from '../../escrow/escrow-summary';
import { TRANCHE_CATEGORIES, TrancheCategory } from '../../escrow/tranches/tranche.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The public tranche pages' cursor: the last key shown, as base64url JSON. Opaque to clients
 * (they only hand it back); decoded strictly, so a cursor that was not made here is a 400 naming
 * `cursor` rather than a query that silently starts somewhere.
 */
export function encodeTrancheCursor(key: TrancheKey): string {
  return Buffer.from(JSON.stringify([key.phase, key.category, key.id]), 'utf8').toString('base64url');
}

export function decodeTrancheCursor(cursor: string): TrancheKey {
  const invalid = () => new InvalidInput('cursor', 'is not a cursor this endpoint gave out (pass nextCursor as it came)');
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [phase, category, id] = parsed as unknown[];
  // A phase is a PostgreSQL integer: a larger one would reach the database as an out-of-range error (500).
  if (!Number.isSafeInteger(phase) || (phase as number) < 1 || (phase as number) > 2_147_483_647) throw invalid();
  if (typeof category !== 'string' || !(TRANCHE_CATEGORIES as readonly string[]).includes(category)) throw invalid();
  if (typeof id !== 'string' || !UUID.test(id)) throw invalid();
  return { phase: phase as number, category: category as TrancheCategory, id };
}
