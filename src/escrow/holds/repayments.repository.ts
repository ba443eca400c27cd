import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

@Injectable()
export class RepaymentsRepository {
  async insert(
    db: EntityManager,
    repayment: {
      id: string;
      caseId: string;
      escrowAccountId: string;
      trancheId: string;
      donorOrganizationId: string;
      recipientOrganizationId: string;
      amount: string;
      currency: string;
      reference: string | null;
      recordedBy: string;
      journalTransactionId: string;
    },
  ): Promise<void> {
    await db.query(
      `INSERT INTO repayments (id, case_id, escrow_account_id, tranche_id, donor_organization_id, recipient_organization_id,
                               amount, currency, reference, recorded_by, journal_transaction_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [repayment.id, repayment.caseId, repayment.escrowAccountId, repayment.trancheId, repayment.donorOrganizationId, repayment.recipientOrganizationId,
       repayment.amount, repayment.currency, repayment.reference, repayment.recordedBy, repayment.journalTransactionId],
    );
  }

  /** What was repaid under one case, per tranche. */
  async totalsOfCase(db: EntityManager, caseId: string): Promise<Map<string, string>> {
    const rows: { tranche_id: string; repaid: string }[] = await db.query(
      `SELECT tranche_id, sum(amount)::text AS repaid FROM repayments WHERE case_id = $1 GROUP BY tranche_id`,
      [caseId],
    );
    return new Map(rows.map((r) => [r.tranche_id, r.repaid]));
  }
}
