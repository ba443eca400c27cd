import { DomainError } from '../common/errors/domain-error';
import { pgError } from '../database/database-errors';

/**
 * The ledger's refusals. The first two are business outcomes (a client can cause them); the rest
 * mean a caller built a posting the ledger must never receive, or someone tried to rewrite the
 * journal: bugs or attacks, answered as internal errors but named in the logs.
 */
export const LEDGER_ERROR_CODES = ['INSUFFICIENT_FUNDS', 'CURRENCY_MISMATCH', 'POSTING_INVALID', 'ACCOUNT_KIND_MISMATCH', 'JOURNAL_APPEND_ONLY'] as const;
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

export class LedgerError extends DomainError<LedgerErrorCode> {
  constructor(code: LedgerErrorCode, message: string, cause?: unknown) {
    super(code, message);
    // The database's own error stays reachable for logs and tests (its SQLSTATE, its detail).
    if (cause !== undefined) this.cause = cause;
  }
}

/** SQLSTATEs raised by ledger_post and the journal's triggers (see src/database/schema). */
const SQLSTATES: Record<string, { code: LedgerErrorCode; message: string }> = {
  LG001: { code: 'INSUFFICIENT_FUNDS', message: 'insufficient funds for this movement' },
  LG002: { code: 'CURRENCY_MISMATCH', message: 'the ledger account holds another currency' },
  LG003: { code: 'POSTING_INVALID', message: 'the posting does not balance or names an account twice' },
  LG004: { code: 'ACCOUNT_KIND_MISMATCH', message: 'the ledger account is of another kind' },
  LG100: { code: 'JOURNAL_APPEND_ONLY', message: 'the journal is append-only' },
};

/** The ledger's own database errors in its words; undefined for any other error. */
export function translateLedgerError(error: unknown): LedgerError | undefined {
  const pg = pgError(error);
  if (!pg?.code) return undefined;
  const known = SQLSTATES[pg.code];
  if (known) return new LedgerError(known.code, known.message, error);
  // The CHECK behind the code's own funds check: reached only when a check raced it.
  if (pg.code === '23514' && pg.constraint === 'ledger_accounts_non_negative') return new LedgerError('INSUFFICIENT_FUNDS', SQLSTATES.LG001.message, error);
  return undefined;
}
