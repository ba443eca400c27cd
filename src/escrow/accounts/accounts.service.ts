import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Principal } from '../../common/access/principal';
import { InvalidState, NotFound } from '../../common/errors/common-errors';
import { groupBy } from '../../common/group-by';
import { Money } from '../../common/money/money';
import { parseAmount, tryParseAmount } from '../../common/money/parse-amount';
import { CommandContext, UnitOfWork } from '../../commands/unit-of-work';
import { Database } from '../../database/database';
import { LedgerAccounts } from '../../ledger/ledger-accounts';
import { LedgerEvent, transfer } from '../../ledger/ledger-event';
import { LedgerService } from '../../ledger/ledger.service';
import { HoldChecks } from '../holds/hold-checks';
import { TranchesRepository } from '../tranches/tranches.repository';
import { accountClosed, assertNotClosed } from './account-rules';
import { DepositBatcher } from './deposit-batcher';
import { toEscrowAccountView } from './account-view';
import { EscrowAccountRow, EscrowAccountView } from './account.types';
import { AccountsRepository } from './accounts.repository';
import { DonorTotalsRepository } from './donor-totals.repository';
import { CreateDepositDto } from './dto/create-deposit.dto';
import { CreateEscrowAccountDto } from './dto/create-escrow-account.dto';

/** Accounts whose currency a process keeps (a few bytes each); past it, it starts over. */
const CURRENCY_CACHE_SIZE = 10_000;

export interface DepositView {
  id: string;
  escrowAccountId: string;
  organizationId: string;
  amount: string;
  currency: string;
  reference: string | null;
  journalTransactionId: string;
}

@Injectable()
export class AccountsService {
  constructor(
    private readonly db: Database,
    private readonly accounts: AccountsRepository,
    private readonly tranches: TranchesRepository,
    private readonly totals: DonorTotalsRepository,
    private readonly ledger: LedgerService,
    private readonly holds: HoldChecks,
    private readonly batcher: DepositBatcher,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  private readonly currencies = new Map<string, string>();

  async create(dto: CreateEscrowAccountDto, actor: Principal): Promise<EscrowAccountView> {
    const account = await this.accounts.insert(this.db.writer, { ...dto, createdBy: actor.id });
    await this.ledger.post(this.db.writer, {
      kind: 'escrow_opened',
      actorPrincipalId: actor.id,
      escrowAccountId: account.id,
      details: {
        name: account.name,
        currency: account.currency,
        country: account.country,
        // Only when given: bodies of accounts without them stay as they were.
        ...(account.glide_number ? { glideNumber: account.glide_number } : {}),
        ...(account.response_plan_code ? { responsePlanCode: account.response_plan_code } : {}),
      },
    });
    return toEscrowAccountView(account, []);
  }

  async list(): Promise<EscrowAccountView[]> {
    const accounts = await this.accounts.findAll(this.db.reader);
    const totals = await this.totals.forAccounts(this.db.reader, accounts.map((a) => a.id));
    const byAccount = groupBy(totals, (t) => t.escrow_account_id);
    return accounts.map((a) => toEscrowAccountView(a, byAccount.get(a.id) ?? []));
  }

  async get(id: string): Promise<EscrowAccountView> {
    const account = await this.accounts.find(this.db.reader, id);
    if (!account) throw new NotFound('escrow account', id);
    return this.view(account);
  }

  /** Donors may deposit while the account is suspended (money in is never the risk), not once closed. */
  async deposit(escrowAccountId: string, dto: CreateDepositDto, donor: Principal): Promise<DepositView> {
    const account = await this.accounts.lock(this.db.writer, escrowAccountId, 'share');
    const amount = parseAmount(dto.amount, account.currency);
    assertNotClosed(account);
    const depositId = randomUUID();
    const posted = await this.ledger.post(this.db.writer, this.depositEvent(escrowAccountId, depositId, dto, donor, amount));
    await this.accounts.insertDeposit(this.db.writer, {
      id: depositId,
      escrowAccountId,
      organizationId: donor.organizationId,
      principalId: donor.id,
      amount: amount.toString(),
      currency: account.currency,
      reference: dto.reference,
      journalTransactionId: posted.id,
    });
    await this.totals.change(this.db.writer, escrowAccountId, donor.organizationId, { deposited: amount });
    return depositView(escrowAccountId, depositId, dto, donor, amount, posted.id);
  }

  /**
   * The API's deposit: the same booking as `deposit`, with the unit of work's checks (the actor
   * still active, the Idempotency-Key), gathered with the other deposits of the moment into one
   * statement by DepositBatcher (group commit). What the batch would refuse before it books (an
   * unknown account, an amount the currency cannot hold) takes the ordinary path instead, which
   * answers with the same precedence of errors as every other command.
   */
  async depositBatched(escrowAccountId: string, dto: CreateDepositDto, donor: Principal, command: CommandContext): Promise<DepositView | unknown> {
    const currency = await this.currencyOf(escrowAccountId);
    const amount = currency === undefined ? undefined : tryParseAmount(dto.amount, currency);
    if (currency === undefined || amount === undefined) {
      return this.unitOfWork.run(command, () => this.deposit(escrowAccountId, dto, donor));
    }
    const depositId = randomUUID();
    const journal = this.ledger.prepare(this.depositEvent(escrowAccountId, depositId, dto, donor, amount));
    const view = depositView(escrowAccountId, depositId, dto, donor, amount, journal.id);
    const record = this.unitOfWork.batchRecord(command);
    const result = await this.batcher.submit({
      principal: record.principalId,
      keyHash: record.keyHash?.toString('hex') ?? null,
      requestHash: record.requestHash?.toString('hex') ?? null,
      status: record.status,
      // As IdempotencyStore.complete stores an answer.
      response: JSON.stringify(view),
      escrow: escrowAccountId,
      currency,
      depositId,
      organization: donor.organizationId,
      amount: amount.toString(),
      reference: dto.reference ?? null,
      journal: {
        id: journal.id,
        kind: journal.kind,
        occurredAt: journal.occurredAt,
        body: journal.body,
        contentHash: journal.contentHash.toString('hex'),
        postings: journal.legs,
      },
    });
    switch (result.outcome) {
      case 'BOOKED':
        return view;
      case 'REVOKED':
        throw this.unitOfWork.revoked();
      case 'KEY_USED':
        return this.unitOfWork.replay(command, result.previous);
      case 'CLOSED':
        throw accountClosed(escrowAccountId);
    }
  }

  /**
   * An account's currency, which never changes (nor does an account go away): kept in process
   * after the first read, so a deposit costs no round trip to learn it. Unknown: undefined.
   */
  private async currencyOf(escrowAccountId: string): Promise<string | undefined> {
    const known = this.currencies.get(escrowAccountId);
    if (known) return known;
    const account = await this.accounts.find(this.db.reader, escrowAccountId);
    if (!account) return undefined;
    if (this.currencies.size >= CURRENCY_CACHE_SIZE) this.currencies.clear();
    this.currencies.set(escrowAccountId, account.currency);
    return account.currency;
  }

  private depositEvent(escrowAccountId: string, depositId: string, dto: CreateDepositDto, donor: Principal, amount: Money): LedgerEvent {
    return {
      kind: 'deposit',
      actorPrincipalId: donor.id,
      escrowAccountId,
      refs: { depositId, donorOrganizationId: donor.organizationId },
      details: { reference: dto.reference ?? null },
      postings: transfer(
        LedgerAccounts.donorSource(donor.organizationId, amount.currency),
        LedgerAccounts.escrowUnallocated(escrowAccountId, donor.organizationId, amount.currency),
        amount,
      ),
    };
  }

  /**
   * A monitor or admin stops every release at once: an interim freeze on one person's word,
   * recorded as such. The binding stop is a violation case verified by a quorum (src/oversight),
   * which suspends through a release hold instead.
   */
  async suspend(id: string, reason: string, actor: Principal): Promise<EscrowAccountView> {
    const account = await this.accounts.lock(this.db.writer, id, 'update');
    assertNotClosed(account);
    if (account.status === 'suspended') throw new InvalidState(`escrow account ${id} is already suspended`);
    return this.changeStatus(account, 'suspended', 'escrow_suspended', reason, actor);
  }

  /** Not while a verified violation case holds the account (409 VIOLATION_VERIFIED until it is lifted). */
  async resume(id: string, reason: string, actor: Principal): Promise<EscrowAccountView> {
    const account = await this.accounts.lock(this.db.writer, id, 'update');
    await this.holds.assertAccountNotHeld(this.db.writer, account);
    assertNotClosed(account);
    if (account.status !== 'suspended') throw new InvalidState(`escrow account ${id} is not suspended`);
    return this.changeStatus(account, 'active', 'escrow_resumed', reason, actor);
  }

  /** Closes an account with no open tranche and refunds each donor's unallocated funds. */
  async close(id: string, reason: string, actor: Principal): Promise<EscrowAccountView> {
    const account = await this.accounts.lock(this.db.writer, id, 'update');
    assertNotClosed(account);
    if ((await this.tranches.countOpen(this.db.writer, id)) > 0) {
      throw new InvalidState('an account with allocated or release-pending tranches cannot be closed');
    }
    // Each donor gets back exactly what the ledger holds for it: the source of truth.
    const donors = (await this.totals.forAccounts(this.db.writer, [id])).map((row) => row.organization_id);
    const held = await this.ledger.balances(
      this.db.writer,
      donors.map((donor) => LedgerAccounts.escrowUnallocated(id, donor, account.currency)),
    );
    const refunds = donors
      .map((donor) => ({
        id: randomUUID(),
        organizationId: donor,
        amount: held.get(LedgerAccounts.escrowUnallocated(id, donor, account.currency).code)!,
      }))
      .filter((refund) => refund.amount.isPositive());

    const posted = await this.ledger.post(this.db.writer, {
      kind: 'escrow_closed',
      actorPrincipalId: actor.id,
      escrowAccountId: id,
      refs: Object.fromEntries(refunds.map((r) => [`refund:${r.organizationId}`, r.id])),
      details: { reason },
      postings: refunds.flatMap((r) =>
        transfer(
          LedgerAccounts.escrowUnallocated(id, r.organizationId, account.currency),
          LedgerAccounts.donorSource(r.organizationId, account.currency),
          r.amount,
        ),
      ),
    });
    for (const refund of refunds) {
      await this.accounts.insertRefund(this.db.writer, {
        id: refund.id,
        escrowAccountId: id,
        organizationId: refund.organizationId,
        amount: refund.amount.toString(),
        journalTransactionId: posted.id,
      });
      await this.totals.change(this.db.writer, id, refund.organizationId, { refunded: refund.amount });
    }
    await this.accounts.setStatus(this.db.writer, id, 'closed');
    return this.view({ ...account, status: 'closed' });
  }

  private async changeStatus(
    account: EscrowAccountRow,
    status: 'active' | 'suspended',
    kind: 'escrow_suspended' | 'escrow_resumed',
    reason: string,
    actor: Principal,
  ): Promise<EscrowAccountView> {
    await this.accounts.setStatus(this.db.writer, account.id, status);
    await this.ledger.post(this.db.writer, {
      kind,
      actorPrincipalId: actor.id,
      escrowAccountId: account.id,
      details: { reason, actorRole: actor.role, actorOrganizationId: actor.organizationId, ...(kind === 'escrow_suspended' ? { basis: 'interim_freeze' } : {}) },
    });
    return this.view({ ...account, status });
  }

  private async view(account: EscrowAccountRow): Promise<EscrowAccountView> {
    return toEscrowAccountView(account, await this.totals.forAccounts(this.db.reader, [account.id]));
  }
}

/** The answer to a deposit, booked alone or in a batch. */
function depositView(escrowAccountId: string, depositId: string, dto: CreateDepositDto, donor: Principal, amount: Money, journalTransactionId: string): DepositView {
  return {
    id: depositId,
    escrowAccountId,
    organizationId: donor.organizationId,
    amount: amount.toString(),
    currency: amount.currency,
    reference: dto.reference ?? null,
    journalTransactionId,
  };
}
