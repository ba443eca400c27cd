import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';

/** 30 minutes idle, 12 hours at most (API.md, "People in the browser"); a second factor is awaited 5 minutes. */
export const IDLE_MINUTES = 30;
export const ABSOLUTE_HOURS = 12;
export const SECOND_FACTOR_MINUTES = 5;

export type SessionStage = 'second_factor' | 'signed_in';
export type SignInMethod = 'password' | 'oidc';

export interface NewSession {
  /** The cookie's value: shown to the browser only; the table keeps its SHA-256. */
  secret: string;
  csrfToken: string;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

const ALIVE = `created_at > now() - interval '${ABSOLUTE_HOURS} hours' AND last_seen_at > now() - interval '${IDLE_MINUTES} minutes'`;

/** SQL for console sessions; the database's clock judges every expiry, so all instances agree. */
@Injectable()
export class SessionsRepository {
  async create(db: EntityManager, principalId: string, stage: SessionStage, method: SignInMethod): Promise<NewSession> {
    const secret = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    await db.query(
      `INSERT INTO console_sessions (id_hash, principal_id, stage, method, csrf_token) VALUES ($1, $2, $3, $4, $5)`,
      [hashSecret(secret), principalId, stage, method, csrfToken],
    );
    return { secret, csrfToken };
  }

  /** A signed-in session that is still alive, touched (its idle time starts again). */
  async touchSignedIn(db: EntityManager, secret: string): Promise<{ principalId: string; csrfToken: string; method: SignInMethod } | undefined> {
    const [[row]] = await db.query(
      `UPDATE console_sessions SET last_seen_at = now()
        WHERE id_hash = $1 AND stage = 'signed_in' AND ${ALIVE}
        RETURNING principal_id AS "principalId", csrf_token AS "csrfToken", method`,
      [hashSecret(secret)],
    );
    return row;
  }

  /** A session waiting for its TOTP code (a few minutes at most), locked: one code decides it. */
  async lockAwaitingCode(db: EntityManager, secret: string): Promise<{ principalId: string } | undefined> {
    const [row] = await db.query(
      `SELECT principal_id AS "principalId" FROM console_sessions
        WHERE id_hash = $1 AND stage = 'second_factor' AND created_at > now() - interval '${SECOND_FACTOR_MINUTES} minutes'
        FOR UPDATE`,
      [hashSecret(secret)],
    );
    return row;
  }

  async delete(db: EntityManager, secret: string): Promise<void> {
    await db.query(`DELETE FROM console_sessions WHERE id_hash = $1`, [hashSecret(secret)]);
  }

  /** Signs the person out everywhere (new credentials, revocation). */
  async deleteForPrincipal(db: EntityManager, principalId: string): Promise<number> {
    const [, count] = await db.query(`DELETE FROM console_sessions WHERE principal_id = $1`, [principalId]);
    return count;
  }

  /** Expired sessions, and those waiting too long for a code. */
  async sweep(db: EntityManager): Promise<number> {
    const [, count] = await db.query(
      `DELETE FROM console_sessions
        WHERE NOT (${ALIVE}) OR (stage = 'second_factor' AND created_at <= now() - interval '${SECOND_FACTOR_MINUTES} minutes')`,
    );
    return count;
  }
}
