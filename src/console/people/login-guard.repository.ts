import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** 5 wrong passwords or codes within 15 minutes lock that email's sign-in for 15 minutes. */
export const MAX_FAILURES = 5;
export const WINDOW_MINUTES = 15;
export const LOCK_MINUTES = 15;

/** First key of the two-key advisory lock that queues one email's sign-in attempts. */
const SIGN_IN_LOCK = 7_404_070;

/**
 * Failed sign-ins by email (as typed, lower case; known or not, so a lock says nothing about
 * which emails exist). Each attempt first takes a transaction-scoped advisory lock on its email:
 * concurrent guesses are counted one after the other, and the fifth locks whatever races it.
 */
@Injectable()
export class LoginGuardRepository {
  /** Queues this email's attempts; answers until when it is locked (undefined: not locked). */
  async enter(db: EntityManager, email: string): Promise<Date | undefined> {
    await db.query(`SELECT pg_advisory_xact_lock($1::int, hashtext($2))`, [SIGN_IN_LOCK, email]);
    const [row] = await db.query(`SELECT locked_until AS "until" FROM console_login_locks WHERE email = $1 AND locked_until > now()`, [email]);
    return row?.until;
  }

  /**
   * Counts a failure; at the fifth within the window (after any earlier lock ended) the email
   * is locked. Answers until when, if it now is.
   */
  async fail(db: EntityManager, email: string): Promise<Date | undefined> {
    await db.query(`INSERT INTO console_login_failures (email) VALUES ($1)`, [email]);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM console_login_failures f
        WHERE f.email = $1 AND f.failed_at > now() - interval '${WINDOW_MINUTES} minutes'
          AND f.failed_at > coalesce((SELECT locked_until FROM console_login_locks l WHERE l.email = $1), '-infinity')`,
      [email],
    );
    if (n < MAX_FAILURES) return undefined;
    const [row] = await db.query(
      `INSERT INTO console_login_locks (email, locked_until) VALUES ($1, now() + interval '${LOCK_MINUTES} minutes')
       ON CONFLICT (email) DO UPDATE SET locked_until = EXCLUDED.locked_until RETURNING locked_until AS "until"`,
      [email],
    );
    return row.until;
  }

  /** A right password and code: earlier failures no longer count. */
  async succeed(db: EntityManager, email: string): Promise<void> {
    await db.query(`DELETE FROM console_login_failures WHERE email = $1`, [email]);
  }

  async sweep(db: EntityManager): Promise<void> {
    await db.query(`DELETE FROM console_login_failures WHERE failed_at < now() - interval '${WINDOW_MINUTES} minutes'`);
    await db.query(`DELETE FROM console_login_locks WHERE locked_until < now()`);
  }
}
