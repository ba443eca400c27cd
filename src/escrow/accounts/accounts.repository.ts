import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFound } from '../../common/errors/common-errors';
import { EscrowAccountRow, EscrowStatus } from './account.types';

const COLUMNS = 'id, name, currency, country, description, status, created_at, approval_tiers, approval_policy_change_id, glide_number, response_plan_code';

@Injectable()
export class AccountsRepository {
  async insert(
    db: EntityManager,
    account: {
      name: string;
      currency: string;
      country?: string;
      description?: string;
      glideNumber?: string;
      responsePlanCode?: string;
      createdBy: string;
    },
  ): Promise<EscrowAccountRow> {
    const [row] = await db.query(
      `INSERT INTO escrow_accounts (name, currency, country, description, created_by, glide_number, response_plan_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [
        account.name,
        account.currency,
        account.country ?? null,
        account.description ?? null,
        account.createdBy,
        account.glideNumber ?? null,
        account.responsePlanCode ?? null,
      ],
    );
    return row;
  }

  async find(db: EntityManager, id: string): Promise<EscrowAccountRow | undefined> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM escrow_accounts WHERE id = $1`, [id]);
    return row;
  }

  async findAll(db: EntityManager): Promise<EscrowAccountRow[]> {
    return db.query(`SELECT ${COLUMNS} FROM escrow_accounts ORDER BY created_at, id`);
  }

  /**
   * Locks the account for the rest of the transaction. Money movements take SHARE (many may
   * run at once); status changes (suspend, resume, close) take UPDATE and so wait for them,
   * and they for it: a release either commits before a suspension or sees it.
   */
  async lock(db: EntityManager, id: string, mode: 'share' | 'update'): Promise<EscrowAccountRow> {
    const [row] = await db.query(
      `SELECT ${COLUMNS} FROM escrow_accounts WHERE id = $1 FOR ${mode === 'share' ? 'SHARE' : 'UPDATE'}`,
      [id],
    );
    if (!row) throw new NotFound('escrow account', id);
    return row;
  }

  async setStatus(db: EntityManager, id: string, status: EscrowStatus): Promise<void> {
    await db.query(`UPDATE escrow_accounts SET status = $2 WHERE id = $1`, [id, status]);
  }

  /** Puts an approved policy in force; the caller holds the account's UPDATE lock. */
  async setApprovalPolicy(db: EntityManager, id: string, tiers: unknown, changeId: string): Promise<void> {
    await db.query(`UPDATE escrow_accounts SET approval_tiers = $2::jsonb, approval_policy_change_id = $3 WHERE id = $1`, [id, JSON.stringify(tiers), changeId]);
  }

  async insertDeposit(
    db: EntityManager,
    deposit: { id: string; escrowAccountId: string; organizationId: string; principalId: string; amount: string; currency: string; reference?: string; journalTransactionId: string },
  ): Promise<void> {
    await db.query(
      `INSERT INTO deposits (id, escrow_account_id, organization_id, principal_id, amount, currency, reference, journal_transaction_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [deposit.id, deposit.escrowAccountId, deposit.organizationId, deposit.principalId, deposit.amount, deposit.currency, deposit.reference ?? null, deposit.journalTransactionId],
    );
  }

  async insertRefund(
    db: EntityManager,
    refund: { id: string; escrowAccountId: string; organizationId: string; amount: string; journalTransactionId: string },
  ): Promise<void> {
    await db.query(
      `INSERT INTO refunds (id, escrow_account_id, organization_id, amount, journal_transaction_id) VALUES ($1, $2, $3, $4, $5)`,
      [refund.id, refund.escrowAccountId, refund.organizationId, refund.amount, refund.journalTransactionId],
    );
  }
}
