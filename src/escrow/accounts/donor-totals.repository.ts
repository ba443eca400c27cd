import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Money } from '../../common/money/money';

/** The running figures kept per (account, donor); unallocated is derived from them. */
export const DONOR_FIGURES = ['deposited', 'allocated', 'released', 'refunded', 'repaid'] as const;
export type DonorFigure = (typeof DONOR_FIGURES)[number];

export interface DonorTotalsRow extends Record<DonorFigure, string> {
  escrow_account_id: string;
  organization_id: string;
}

/** Signed changes to a donor's figures: e.g. a release is { allocated: -x, released: +x }. */
export type DonorTotalsChange = Partial<Record<DonorFigure, Money>>;

/**
 * Each donor's running totals in an account (escrow_donor_totals), changed in the same
 * transaction as the movement they follow. Every money path calls `change` after its ledger
 * posting, as its last write to shared rows: the row is then locked last, after the ledger
 * accounts, in every path (no lock-order cycle with the ledger), and for about as long as the
 * donor's ledger account already is.
 */
@Injectable()
export class DonorTotalsRepository {
  async change(db: EntityManager, escrowAccountId: string, organizationId: string, change: DonorTotalsChange): Promise<void> {
    const deltas = DONOR_FIGURES.map((f) => change[f]?.toString() ?? '0');
    // Money in (a deposit, a repayment) may make the donor's row; everything else moves money
    // that came in before, so the row exists. (An upsert's inserted values must pass the CHECKs
    // before a conflict is seen, so it suits only changes that are valid as a first row.)
    const moneyIn = (Object.keys(change) as DonorFigure[]).every((f) => (f === 'deposited' || f === 'repaid') && !change[f]!.isNegative());
    if (moneyIn) {
      await db.query(
        `INSERT INTO escrow_donor_totals AS t (escrow_account_id, organization_id, deposited, allocated, released, refunded, repaid)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (escrow_account_id, organization_id) DO UPDATE
            SET deposited = t.deposited + EXCLUDED.deposited, allocated = t.allocated + EXCLUDED.allocated,
                released = t.released + EXCLUDED.released, refunded = t.refunded + EXCLUDED.refunded,
                repaid = t.repaid + EXCLUDED.repaid`,
        [escrowAccountId, organizationId, ...deltas],
      );
      return;
    }
    const [, updated] = await db.query(
      `UPDATE escrow_donor_totals
          SET deposited = deposited + $3, allocated = allocated + $4, released = released + $5, refunded = refunded + $6, repaid = repaid + $7
        WHERE escrow_account_id = $1 AND organization_id = $2`,
      [escrowAccountId, organizationId, ...deltas],
    );
    // Money leaves a figure only after it came in: a missing row is a bug, never silently skipped.
    if (updated !== 1) throw new Error(`no running totals for donor ${organizationId} in escrow account ${escrowAccountId}`);
  }

  /** The figures of these accounts' donors, by account then donor. */
  async forAccounts(db: EntityManager, escrowAccountIds: readonly string[]): Promise<DonorTotalsRow[]> {
    return db.query(
      `SELECT escrow_account_id, organization_id, deposited::text AS deposited, allocated::text AS allocated,
              released::text AS released, refunded::text AS refunded, repaid::text AS repaid
         FROM escrow_donor_totals WHERE escrow_account_id = ANY ($1)
        ORDER BY escrow_account_id, organization_id`,
      [escrowAccountIds],
    );
  }
}
