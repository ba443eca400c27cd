import { HttpException, HttpStatus } from '@nestjs/common';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { RuleViolation } from './api-errors';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
}

// Connection lost or refused, server shutting down or not accepting connections, too many
// clients, and start-up failures (missing database, authentication) that a retry may outlive.
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300', '55000', '08000', '08003', '08006', '08001', '08004', '3D000', '28000', '28P01']);
const UNAVAILABLE_MESSAGES = /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed|Query read timeout/i;

/** Serialization failures and deadlocks: the whole unit of work may be retried. */
export function isRetryable(error: unknown): boolean {
  const code = pgCode(error);
  return code === '40001' || code === '40P01';
}

/**
 * TypeORM releases a query runner as soon as its connection reports an error (the server
 * terminated it, or went away) and then refuses the request's next query with one of these:
 * the connection was lost mid-request, and its transaction rolled back with it.
 */
const CONNECTION_LOST_ERRORS = [QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError];

/** Translates the database errors that carry meaning for clients; undefined for the rest. */
export function translateDatabaseError(error: unknown): HttpException | undefined {
  if (CONNECTION_LOST_ERRORS.some((type) => error instanceof type)) return unavailable('the database connection was lost, try again shortly');
  const pg = pgError(error);
  if (!pg) return undefined;
  switch (pg.code) {
    case 'LG001':
      return new RuleViolation('INSUFFICIENT_FUNDS', 'insufficient funds for this movement');
    case 'LG002':
      return new RuleViolation('CURRENCY_MISMATCH', 'the ledger account holds another currency');
    case '23514':
      if (pg.constraint === 'ledger_accounts_non_negative') {
        return new RuleViolation('INSUFFICIENT_FUNDS', 'insufficient funds for this movement');
      }
      return undefined;
    case '23505':
      // A concurrent request created the same thing first (unique constraint).
      return new RuleViolation('INVALID_STATE', 'conflicts with a record created at the same time; retry to see it');
    case '57014':
      return unavailable('the database took too long to answer');
  }
  if ((pg.code && UNAVAILABLE_CODES.has(pg.code)) || UNAVAILABLE_MESSAGES.test(pg.message ?? '')) {
    return unavailable('the database is unavailable, try again shortly');
  }
  return undefined;
}

function unavailable(message: string): HttpException {
  return new HttpException(
    { statusCode: HttpStatus.SERVICE_UNAVAILABLE, error: 'Service Unavailable', code: 'DATABASE_UNAVAILABLE', message },
    HttpStatus.SERVICE_UNAVAILABLE,
  );
}

function pgError(error: unknown): PgError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = (error as { driverError?: PgError }).driverError ?? (error as PgError);
  return typeof candidate.code === 'string' || typeof candidate.message === 'string' ? candidate : undefined;
}

function pgCode(error: unknown): string | undefined {
  return pgError(error)?.code;
}
