import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface CredentialRecord {
  principalId: string;
  passwordHash: string;
  totpSecretSealed: Buffer | null;
  totpLastStep: number | null;
}

/** SQL for console credentials (password hash, sealed TOTP secret). */
@Injectable()
export class CredentialsRepository {
  /** Locked: a sign-in step and an enrollment on the same person queue. */
  async lock(db: EntityManager, principalId: string): Promise<CredentialRecord | undefined> {
    const [row] = await db.query(
      `SELECT principal_id AS "principalId", password_hash AS "passwordHash", totp_secret_sealed AS "totpSecretSealed",
              totp_last_step::text AS "totpLastStep"
         FROM console_credentials WHERE principal_id = $1 FOR UPDATE`,
      [principalId],
    );
    return row && { ...row, totpLastStep: row.totpLastStep === null ? null : Number(row.totpLastStep) };
  }

  async replace(db: EntityManager, principalId: string, passwordHash: string, totpSecretSealed: Buffer | null): Promise<void> {
    await db.query(
      `INSERT INTO console_credentials (principal_id, password_hash, totp_secret_sealed, totp_last_step, enrolled_at)
       VALUES ($1, $2, $3, NULL, now())
       ON CONFLICT (principal_id) DO UPDATE
         SET password_hash = EXCLUDED.password_hash, totp_secret_sealed = EXCLUDED.totp_secret_sealed,
             totp_last_step = NULL, enrolled_at = now()`,
      [principalId, passwordHash, totpSecretSealed],
    );
  }

  /** Records the code's time step as used; false when it (or a later one) was used already. */
  async spendStep(db: EntityManager, principalId: string, step: number): Promise<boolean> {
    const [, count] = await db.query(
      `UPDATE console_credentials SET totp_last_step = $2
        WHERE principal_id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
      [principalId, step],
    );
    return count === 1;
  }

  /** Who has signed in to the console with a password so far (for the people page). */
  async enrolled(db: EntityManager, principalIds: readonly string[]): Promise<Map<string, { totp: boolean; at: Date }>> {
    const rows: { principal_id: string; totp: boolean; enrolled_at: Date }[] = await db.query(
      `SELECT principal_id, totp_secret_sealed IS NOT NULL AS totp, enrolled_at FROM console_credentials WHERE principal_id = ANY ($1)`,
      [principalIds],
    );
    return new Map(rows.map((r) => [r.principal_id, { totp: r.totp, at: r.enrolled_at }]));
  }
}
