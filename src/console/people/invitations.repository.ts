import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';

/** One use, 72 hours (API.md, "People in the browser"). */
export const INVITATION_HOURS = 72;

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Tokens are 256 random bits, URL-safe; anything else is not one of ours. */
export function looksLikeToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

@Injectable()
export class InvitationsRepository {
  /** A new invitation for the principal; its open ones are superseded. */
  async issue(db: EntityManager, principalId: string, invitedBy: string | null): Promise<{ token: string; expiresAt: Date }> {
    await db.query(
      `UPDATE console_invitations SET ended_at = now(), ended_how = 'superseded' WHERE principal_id = $1 AND ended_at IS NULL`,
      [principalId],
    );
    const token = randomBytes(32).toString('base64url');
    const [row] = await db.query(
      `INSERT INTO console_invitations (token_hash, principal_id, invited_by, expires_at)
       VALUES ($1, $2, $3, now() + interval '${INVITATION_HOURS} hours') RETURNING expires_at AS "expiresAt"`,
      [hashToken(token), principalId, invitedBy],
    );
    return { token, expiresAt: row.expiresAt };
  }

  /** The open, unexpired invitation of this token (`lock`: for accepting it, once). */
  async findOpen(db: EntityManager, token: string, lock = false): Promise<{ principalId: string; expiresAt: Date } | undefined> {
    if (!looksLikeToken(token)) return undefined;
    const [row] = await db.query(
      `SELECT principal_id AS "principalId", expires_at AS "expiresAt" FROM console_invitations
        WHERE token_hash = $1 AND ended_at IS NULL AND expires_at > now() ${lock ? 'FOR UPDATE' : ''}`,
      [hashToken(token)],
    );
    return row;
  }

  async markAccepted(db: EntityManager, token: string): Promise<void> {
    await db.query(`UPDATE console_invitations SET ended_at = now(), ended_how = 'accepted' WHERE token_hash = $1`, [hashToken(token)]);
  }

  /** Open invitations by principal: when each expires (the people page shows who was invited). */
  async openFor(db: EntityManager, principalIds: readonly string[]): Promise<Map<string, Date>> {
    const rows: { principal_id: string; expires_at: Date }[] = await db.query(
      `SELECT principal_id, max(expires_at) AS expires_at FROM console_invitations
        WHERE principal_id = ANY ($1) AND ended_at IS NULL AND expires_at > now() GROUP BY principal_id`,
      [principalIds],
    );
    return new Map(rows.map((r) => [r.principal_id, r.expires_at]));
  }
}
