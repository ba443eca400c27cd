import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Principal } from '../../common/access/principal';
import { InvalidInput, InvalidState } from '../../common/errors/common-errors';
import { Money } from '../../common/money/money';
import { parseAmount } from '../../common/money/parse-amount';
import { Database } from '../../database/database';
import { EscrowScopeReader } from '../../escrow/holds/escrow-scope-reader';
import { LockedTranche, RecoveryLedgerService } from '../../escrow/holds/recovery-ledger.service';
import { LedgerService } from '../../ledger/ledger.service';
import { OversightRefusal } from '../oversight-errors';
import { CaseRecord, CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { RecoveryDto, RepaymentDto } from './dto/recovery.dto';

export interface RecoveryView {
  id: string;
  caseId: string;
  trancheId: string;
  escrowAccountId: string;
  recipientOrganizationId: string;
  donorOrganizationId: string;
  amount: string;
  currency: string;
  /** Under this case on this tranche, after this claim or repayment. */
  claimed: string;
  repaid: string;
  outstanding: string;
  reference?: string | null;
  journalTransactionId: string;
}

/**
 * Recovery of what a recipient was paid under a tranche in a verified case's scope: an admin's
 * claim (journaled, no money moves: a claim is not money held), then repayments that move
 * money back, recipient → the tranche donor's unallocated funds, through escrow's recovery
 * ledger. Locks: the case, then the tranche as releases lock it; so two claims on one tranche
 * never together exceed what it released, and repayments never exceed the open claim.
 */
@Injectable()
export class RecoveriesService {
  constructor(
    private readonly db: Database,
    private readonly cases: CasesService,
    private readonly records: CasesRepository,
    private readonly scopes: EscrowScopeReader,
    private readonly recovery: RecoveryLedgerService,
    private readonly ledger: LedgerService,
  ) {}

  async claim(caseId: string, dto: RecoveryDto, admin: Principal): Promise<RecoveryView> {
    const c = await this.cases.lockCase(caseId);
    if (c.status !== 'verified' && c.status !== 'resolved') throw new InvalidState(`the case is ${c.status}: money is claimed back only under a verified (or since resolved) case`);
    const locked = await this.lockTrancheInScope(c, dto.trancheId);
    const amount = parseAmount(dto.amount, locked.tranche.currency);
    if (locked.released.isZero()) throw new InvalidState(`tranche ${dto.trancheId} has released nothing to claim back`);
    const claimedSoFar = Money.of(await this.records.claimedOnTranche(this.db.writer, dto.trancheId), locked.tranche.currency);
    const claimable = locked.released.minus(claimedSoFar);
    if (amount.greaterThan(claimable)) {
      throw new OversightRefusal('CLAIM_EXCEEDS_RELEASED', `the tranche released ${locked.released}, of which ${claimedSoFar} is claimed already: at most ${claimable} more can be claimed`);
    }
    const id = randomUUID();
    const posted = await this.ledger.post(this.db.writer, {
      kind: 'recovery_claimed',
      actorPrincipalId: admin.id,
      escrowAccountId: locked.account.id,
      refs: { recoveryId: id, caseId, trancheId: dto.trancheId, recipientOrganizationId: locked.tranche.recipient_organization_id },
      details: { amount: amount.toString(), currency: amount.currency },
    });
    await this.records.insertRecovery(this.db.writer, { id, caseId, trancheId: dto.trancheId, amount: amount.toString(), currency: amount.currency, claimedBy: admin.id, journalTransactionId: posted.id });
    return this.view(id, c, locked, amount, posted.id);
  }

  async repay(caseId: string, dto: RepaymentDto, admin: Principal): Promise<RecoveryView> {
    const c = await this.cases.lockCase(caseId);
    const locked = await this.lockTrancheInScope(c, dto.trancheId);
    const amount = parseAmount(dto.amount, locked.tranche.currency);
    const { claimed, repaid } = await this.totals(caseId, locked);
    const open = claimed.minus(repaid);
    if (amount.greaterThan(open)) {
      throw new OversightRefusal('REPAYMENT_EXCEEDS_CLAIM', `the open claim of this case on tranche ${dto.trancheId} is ${open} (claimed ${claimed}, repaid ${repaid})`);
    }
    const paid = await this.recovery.repay(locked, { caseId, amount, reference: dto.reference ?? null, actorPrincipalId: admin.id });
    return { ...(await this.view(paid.id, c, locked, amount, paid.journalTransactionId)), reference: dto.reference ?? null };
  }

  private async lockTrancheInScope(c: CaseRecord, trancheId: string): Promise<LockedTranche> {
    const locked = await this.recovery.lockTranche(trancheId);
    if (!(await this.scopes.trancheInScope(this.db.writer, c.scope, trancheId))) throw new InvalidInput('trancheId', `is not in the scope of violation case ${c.id}`);
    return locked;
  }

  private async totals(caseId: string, locked: LockedTranche): Promise<{ claimed: Money; repaid: Money }> {
    const currency = locked.tranche.currency;
    const claim = (await this.records.claimsOfCase(this.db.writer, caseId)).find((r) => r.trancheId === locked.tranche.id);
    const repaid = (await this.recovery.repaidUnderCase(this.db.writer, caseId)).get(locked.tranche.id);
    return { claimed: Money.of(claim?.claimed ?? 0, currency), repaid: Money.of(repaid ?? 0, currency) };
  }

  private async view(id: string, c: CaseRecord, locked: LockedTranche, amount: Money, journalTransactionId: string): Promise<RecoveryView> {
    const { claimed, repaid } = await this.totals(c.id, locked);
    return {
      id,
      caseId: c.id,
      trancheId: locked.tranche.id,
      escrowAccountId: locked.account.id,
      recipientOrganizationId: locked.tranche.recipient_organization_id,
      donorOrganizationId: locked.tranche.donor_organization_id,
      amount: amount.toString(),
      currency: amount.currency,
      claimed: claimed.toString(),
      repaid: repaid.toString(),
      outstanding: claimed.minus(repaid).toString(),
      journalTransactionId,
    };
  }
}
