import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Money } from '../../common/money/money';
import { Database } from '../../database/database';
import { LedgerAccounts } from '../../ledger/ledger-accounts';
import { transfer } from '../../ledger/ledger-event';
import { LedgerService } from '../../ledger/ledger.service';
import { assertNotClosed } from '../accounts/account-rules';
import { EscrowAccountRow } from '../accounts/account.types';
import { AccountsRepository } from '../accounts/accounts.repository';
import { DonorTotalsRepository } from '../accounts/donor-totals.repository';
import { TrancheRow } from '../tranches/tranche.types';
import { TranchesRepository } from '../tranches/tranches.repository';
import { releasedAmountOf } from './escrow-scope-reader';
import { RepaymentsRepository } from './repayments.repository';

export interface LockedTranche {
  account: EscrowAccountRow;
  tranche: TrancheRow;
  released: Money;
}

/**
 * Escrow's side of recovery: the tranche a claim is on, locked as releases lock it (account
 * share, then tranche update), and repayments, recipient → the tranche donor's unallocated funds
 * in its account, double-entry. Oversight keeps the claims and decides how much may be repaid.
 */
@Injectable()
export class RecoveryLedgerService {
  constructor(
    private readonly db: Database,
    private readonly accounts: AccountsRepository,
    private readonly tranches: TranchesRepository,
    private readonly repayments: RepaymentsRepository,
    private readonly ledger: LedgerService,
    private readonly donorTotals: DonorTotalsRepository,
  ) {}

  /** Serializes claims and repayments on one tranche, whatever case they come from. */
  async lockTranche(trancheId: string): Promise<LockedTranche> {
    const unlocked = await this.tranches.findOrFail(this.db.writer, trancheId);
    const account = await this.accounts.lock(this.db.writer, unlocked.escrow_account_id, 'share');
    const tranche = await this.tranches.lock(this.db.writer, trancheId, 'update');
    return { account, tranche, released: releasedAmountOf(tranche) };
  }

  /** Posts a repayment; the caller holds the tranche's lock and has checked the open claim. */
  async repay(
    locked: LockedTranche,
    repayment: { caseId: string; amount: Money; reference: string | null; actorPrincipalId: string },
  ): Promise<{ id: string; journalTransactionId: string }> {
    const { account, tranche } = locked;
    assertNotClosed(account);
    const id = randomUUID();
    const posted = await this.ledger.post(this.db.writer, {
      kind: 'repayment',
      actorPrincipalId: repayment.actorPrincipalId,
      escrowAccountId: account.id,
      refs: { repaymentId: id, caseId: repayment.caseId, trancheId: tranche.id, recipientOrganizationId: tranche.recipient_organization_id, donorOrganizationId: tranche.donor_organization_id },
      details: { reference: repayment.reference },
      postings: transfer(
        LedgerAccounts.recipient(tranche.recipient_organization_id, tranche.currency),
        LedgerAccounts.escrowUnallocated(account.id, tranche.donor_organization_id, tranche.currency),
        repayment.amount,
      ),
    });
    await this.repayments.insert(this.db.writer, {
      id,
      caseId: repayment.caseId,
      escrowAccountId: account.id,
      trancheId: tranche.id,
      donorOrganizationId: tranche.donor_organization_id,
      recipientOrganizationId: tranche.recipient_organization_id,
      amount: repayment.amount.toString(),
      currency: tranche.currency,
      reference: repayment.reference,
      recordedBy: repayment.actorPrincipalId,
      journalTransactionId: posted.id,
    });
    // The account's `repaid` figure (escrow_donor_totals), after the posting as every money path does.
    await this.donorTotals.change(this.db.writer, account.id, tranche.donor_organization_id, { repaid: repayment.amount });
    return { id, journalTransactionId: posted.id };
  }

  /** Repaid under one case, per tranche (decimal strings). */
  repaidUnderCase(db: EntityManager, caseId: string): Promise<Map<string, string>> {
    return this.repayments.totalsOfCase(db, caseId);
  }
}
