import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuthService } from '../../auth/auth.service';
import { Principal } from '../../common/access/principal';
import { Forbidden, InvalidInput, InvalidState, NotFound } from '../../common/errors/common-errors';
import { groupBy } from '../../common/group-by';
import { parseAmount } from '../../common/money/parse-amount';
import { Database } from '../../database/database';
import { LedgerAccounts } from '../../ledger/ledger-accounts';
import { transfer } from '../../ledger/ledger-event';
import { LedgerService } from '../../ledger/ledger.service';
import { assertNotClosed } from '../accounts/account-rules';
import { AccountsRepository } from '../accounts/accounts.repository';
import { DonorTotalsRepository } from '../accounts/donor-totals.repository';
import { BenchmarkViews } from '../benchmarks/benchmark-views';
import { CreateTrancheDto } from './dto/create-tranche.dto';
import { retentionShare, trancheAmounts } from './tranche-amounts';
import { toTrancheView } from './tranche-view';
import { TrancheView } from './tranche.types';
import { TranchesRepository } from './tranches.repository';

@Injectable()
export class TranchesService {
  constructor(
    private readonly db: Database,
    private readonly tranches: TranchesRepository,
    private readonly escrowAccounts: AccountsRepository,
    private readonly benchmarks: BenchmarkViews,
    private readonly totals: DonorTotalsRepository,
    private readonly auth: AuthService,
    private readonly ledger: LedgerService,
  ) {}

  /**
   * Earmarks part of the donor's own unallocated contribution. The ledger locks that balance,
   * so concurrent allocations can never together exceed it (409 INSUFFICIENT_FUNDS).
   */
  async allocate(escrowAccountId: string, dto: CreateTrancheDto, donor: Principal): Promise<TrancheView> {
    const account = await this.escrowAccounts.lock(this.db.writer, escrowAccountId, 'share');
    const amount = parseAmount(dto.amount, account.currency);
    assertNotClosed(account);
    const recipient = await this.auth.findOrganization(dto.recipientOrganizationId);
    if (!recipient) throw new NotFound('recipientOrganizationId: organization', dto.recipientOrganizationId);
    if (recipient.type !== 'recipient') {
      throw new InvalidInput('recipientOrganizationId', `must name an organization of type recipient, not ${recipient.type}`);
    }
    const retentionPercent = dto.retentionPercent ?? 0;
    if (dto.releaseBy !== undefined) await this.assertInFuture(dto.releaseBy);
    const tranche = await this.tranches.insert(this.db.writer, {
      id: randomUUID(),
      escrow_account_id: escrowAccountId,
      donor_organization_id: donor.organizationId,
      recipient_organization_id: recipient.id,
      category: dto.category,
      phase: dto.phase,
      amount: amount.toString(),
      currency: account.currency,
      description: dto.description ?? null,
      retention_percent: retentionPercent,
      retention_amount: retentionShare(amount, retentionPercent).toString(),
      release_by: dto.releaseBy === undefined ? null : new Date(dto.releaseBy),
    });
    await this.ledger.post(this.db.writer, {
      kind: 'tranche_allocated',
      actorPrincipalId: donor.id,
      escrowAccountId,
      refs: { trancheId: tranche.id, donorOrganizationId: donor.organizationId, recipientOrganizationId: recipient.id },
      details: {
        category: tranche.category,
        phase: tranche.phase,
        // Only when set: a plain tranche's journal body stays as it always was.
        ...(retentionPercent > 0 ? { retentionPercent, retentionAmount: tranche.retention_amount } : {}),
        ...(tranche.release_by ? { releaseBy: tranche.release_by.toISOString() } : {}),
      },
      postings: transfer(
        LedgerAccounts.escrowUnallocated(escrowAccountId, donor.organizationId, account.currency),
        LedgerAccounts.tranche(escrowAccountId, tranche.id, account.currency),
        amount,
      ),
    });
    await this.totals.change(this.db.writer, escrowAccountId, donor.organizationId, { allocated: amount });
    return toTrancheView(tranche, []);
  }

  /**
   * Returns what remains of an allocated tranche to its donor's unallocated balance; what was
   * released in earlier instalments stays released.
   */
  async cancel(id: string, reason: string, actor: Principal): Promise<TrancheView> {
    const unlocked = await this.tranches.findOrFail(this.db.writer, id);
    if (actor.role === 'donor' && actor.organizationId !== unlocked.donor_organization_id) {
      throw new Forbidden('only the donor organization that allocated this tranche, or an admin, may cancel it');
    }
    await this.escrowAccounts.lock(this.db.writer, unlocked.escrow_account_id, 'share');
    const tranche = await this.tranches.lock(this.db.writer, id, 'update');
    if (tranche.status !== 'allocated') {
      throw new InvalidState(`only an allocated tranche can be cancelled; this one is ${tranche.status}`);
    }
    const { remaining, released } = trancheAmounts(tranche, false);
    await this.ledger.post(this.db.writer, {
      kind: 'tranche_cancelled',
      actorPrincipalId: actor.id,
      escrowAccountId: tranche.escrow_account_id,
      refs: { trancheId: id },
      details: { reason, ...(released.isZero() ? {} : { releasedAmount: released.toString(), returnedAmount: remaining.toString() }) },
      postings: transfer(
        LedgerAccounts.tranche(tranche.escrow_account_id, id, tranche.currency),
        LedgerAccounts.escrowUnallocated(tranche.escrow_account_id, tranche.donor_organization_id, tranche.currency),
        remaining,
      ),
    });
    await this.tranches.returnRemainder(this.db.writer, id, 'cancelled');
    await this.totals.change(this.db.writer, tranche.escrow_account_id, tranche.donor_organization_id, { allocated: remaining.negated() });
    return this.get(id);
  }

  async get(id: string): Promise<TrancheView> {
    const tranche = await this.tranches.findOrFail(this.db.reader, id);
    const benchmarks = await this.benchmarks.forTranches(this.db.reader, [id]);
    return toTrancheView(tranche, benchmarks);
  }

  async listByEscrow(escrowAccountId: string): Promise<TrancheView[]> {
    if (!(await this.escrowAccounts.find(this.db.reader, escrowAccountId))) throw new NotFound('escrow account', escrowAccountId);
    const tranches = await this.tranches.listByEscrow(this.db.reader, escrowAccountId);
    const benchmarks = await this.benchmarks.forTranches(this.db.reader, tranches.map((t) => t.id));
    const byTranche = groupBy(benchmarks, (b) => b.trancheId);
    return tranches.map((t) => toTrancheView(t, byTranche.get(t.id) ?? []));
  }

  /** A deadline must lie ahead, by the database's clock (the one every later check uses). */
  private async assertInFuture(releaseBy: string): Promise<void> {
    const [{ future }] = await this.db.writer.query(`SELECT $1::timestamptz > clock_timestamp() AS future`, [releaseBy]);
    if (!future) throw new InvalidInput('releaseBy', 'must lie in the future');
  }
}
