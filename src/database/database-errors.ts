import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { InvalidState } from '../common/errors/common-errors';

export const DATABASE_ERROR_CODES = ['DATABASE_UNAVAILABLE'] as const;
export type DatabaseErrorCode = (typeof DATABASE_ERROR_CODES)[number];

/** The database cannot answer now (gone, restarting, too slow); a retry may succeed. */
export class DatabaseUnavailable extends DomainError<DatabaseErrorCode> {
  constructor(message = 'the database is unavailable, try again shortly') {
    super('DATABASE_UNAVAILABLE', message);
  }
}

export interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
}

// Connection lost or refused, server shutting down or not accepting connections, too many
// clients, and start-up failures (missing database, authentication) that a retry may outlive.
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300', '55000', '08000', '08003', '08006', '08001', '08004', '3D000', '28000', '28P01']);
const UNAVAILABLE_MESSAGES = /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed|Query read timeout/i;

const RECOVERY_CONFLICT = /conflict with recovery/i;

/**
 * TypeORM releases a query runner as soon as its connection reports an error (the server
 * terminated it, or went away) and then refuses the request's next query with one of these:
 * the connection was lost mid-request, and its transaction rolled back with it.
 */
const CONNECTION_LOST_ERRORS = [QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError];

/** Serialization failures and deadlocks: the whole unit of work may be retried. */
export function isRetryable(error: unknown): boolean {
  const code = pgError(error)?.code;
  return code === '40001' || code === '40P01';
}

/** The client's own query timeout fired: the server never answered (it may be stuck). */
export function isUnanswered(error: unknown): boolean {
  return /Query read timeout/.test(pgError(error)?.message ?? '');
}

/**
 * The driver's errors that carry meaning for callers, in the domain's words; undefined for the
 * rest (a bug: the edge answers 500). Features translate their own SQLSTATEs (the ledger's LG…).
 */
export function translateDatabaseError(error: unknown): DomainError | undefined {
  if (CONNECTION_LOST_ERRORS.some((type) => error instanceof type)) return new DatabaseUnavailable('the database connection was lost, try again shortly');
  const pg = pgError(error);
  if (!pg) return undefined;
  // A concurrent request created the same thing first (unique constraint).
  if (pg.code === '23505') return new InvalidState('conflicts with a record created at the same time; retry to see it');
  if (pg.code === '57014') return new DatabaseUnavailable('the database took too long to answer');
  // A hot standby cancels a read whose snapshot still needs rows the primary's vacuum removed
  // (or that holds up replay past max_standby_streaming_delay): the same read again may succeed.
  if (RECOVERY_CONFLICT.test(pg.message ?? '')) return new DatabaseUnavailable('the read replica cancelled the read to keep up with the primary, try again');
  if ((pg.code && UNAVAILABLE_CODES.has(pg.code)) || UNAVAILABLE_MESSAGES.test(pg.message ?? '')) return new DatabaseUnavailable();
  return undefined;
}

/** The PostgreSQL error inside a TypeORM QueryFailedError, or the error itself. */
export function pgError(error: unknown): PgError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = (error as { driverError?: PgError }).driverError ?? (error as PgError);
  return typeof candidate.code === 'string' || typeof candidate.message === 'string' ? candidate : undefined;
}
