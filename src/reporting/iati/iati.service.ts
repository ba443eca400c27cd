import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthService } from '../../auth/auth.service';
import { Decimal, formatAmount } from '../../common/money/money';
import { AppConfig } from '../../config/app-config';
import { EscrowReadModel, ReportedTranche } from '../../escrow/escrow-read-model';
import type { TrancheCategory } from '../../escrow/tranches/tranche.types';
import { JournalReaderService } from '../../ledger/journal-reader.service';
import {
  ActivityStatus,
  ConditionType,
  IatiActivity,
  iatiActivitiesXml,
  IatiOrg,
  IatiTransaction,
  OrganisationRole,
  TransactionType,
} from './iati-xml';

/** DAC 5-digit purpose codes (IATI Sector vocabulary 1) for each tranche category. */
const DAC_SECTORS: Record<TrancheCategory, { code: string; name: string }> = {
  utilities: { code: '14030', name: 'Basic drinking water supply and basic sanitation' },
  clinics: { code: '12230', name: 'Basic health infrastructure' },
  shelters: { code: '72010', name: 'Material relief assistance and services' },
  infrastructure: { code: '73010', name: 'Immediate post-emergency reconstruction and rehabilitation' },
  livelihoods: { code: '16020', name: 'Employment creation' },
};

const STATUS_CODES = { active: ActivityStatus.implementation, suspended: ActivityStatus.suspended, closed: ActivityStatus.closed };

/**
 * The IATI 2.03 activity file: one iati-activity per escrow account. Deposits are incoming
 * funds (1) from each donor; each tranche is an outgoing commitment (2) to its recipient, and a
 * cancelled one is decommitted with a negative commitment; a release is a disbursement (3); a
 * refund on closing is reported as negative incoming funds to that donor. Benchmarks are the
 * activity's conditions: humanitarian access as performance (2), anti-corruption as fiduciary (3).
 */
@Injectable()
export class IatiService {
  constructor(
    private readonly config: AppConfig,
    private readonly escrow: EscrowReadModel,
    private readonly identity: AuthService,
    private readonly journal: JournalReaderService,
  ) {}

  async build(db: EntityManager): Promise<string> {
    const { accounts, tranches, deposits, refunds } = await this.escrow.report(db);
    const ids = accounts.map((a) => a.id);
    const organizationIds = [
      ...deposits.map((d) => d.organizationId),
      ...refunds.map((r) => r.organizationId),
      ...tranches.flatMap((t) => [t.donorOrganizationId, t.recipientOrganizationId]),
    ];
    const names = await this.identity.organizationNames(db, [...new Set(organizationIds)]);
    const nameOf = (id: string) => names.get(id) ?? id;
    // When a tranche was cancelled and an account closed: only the journal records it.
    const events = await this.journal.eventsOf(db, ids, ['tranche_cancelled', 'escrow_closed']);
    const lastUpdated = await this.journal.lastActivity(db, ids);

    const reporter = {
      ref: this.config.IATI_REPORTING_ORG_REF,
      name: this.config.IATI_REPORTING_ORG_NAME,
      type: this.config.IATI_REPORTING_ORG_TYPE,
    };
    const escrowOrg: IatiOrg = { ref: reporter.ref, type: reporter.type, name: reporter.name };
    const activities = accounts.map((account): IatiActivity => {
      const mine = <T extends { escrowAccountId: string }>(rows: T[]) => rows.filter((r) => r.escrowAccountId === account.id);
      const accountTranches = mine(tranches);
      const accountEvents = mine(events);
      const money = (amount: Decimal | string) => formatAmount(amount, account.currency);
      const cancelledAt = new Map(accountEvents.filter((e) => e.kind === 'tranche_cancelled').map((e) => [e.refs.trancheId, e.occurredAt]));

      const transactions: IatiTransaction[] = [
        ...mine(deposits).map((d) => ({
          ref: `deposit-${d.id}`,
          type: TransactionType.incomingFunds,
          date: d.at,
          value: money(d.amount),
          description: `Deposit by ${nameOf(d.organizationId)}`,
          provider: { name: nameOf(d.organizationId) },
          receiver: escrowOrg,
        })),
        ...accountTranches.flatMap((t) => {
          const recipient = nameOf(t.recipientOrganizationId);
          const label = `${t.category} tranche, phase ${t.phase}, for ${recipient}`;
          const out: IatiTransaction[] = [
            {
              ref: `allocation-${t.id}`,
              type: TransactionType.outgoingCommitment,
              date: t.createdAt,
              value: money(t.amount),
              description: `Allocation by ${nameOf(t.donorOrganizationId)}: ${label}`,
              provider: escrowOrg,
              receiver: { name: recipient },
            },
          ];
          if (t.status === 'released' && t.releasedAt) {
            out.push({
              ref: `release-${t.id}`,
              type: TransactionType.disbursement,
              date: t.releasedAt,
              value: money(t.amount),
              description: `Release of the ${label}, benchmarks met and approved by two administrators`,
              provider: escrowOrg,
              receiver: { name: recipient },
            });
          }
          if (t.status === 'cancelled') {
            out.push({
              ref: `cancellation-${t.id}`,
              type: TransactionType.outgoingCommitment,
              date: cancelledAt.get(t.id) ?? t.createdAt,
              value: money(new Decimal(t.amount).negated()),
              description: `Cancellation of the ${label}: funds returned to the unallocated balance`,
              provider: escrowOrg,
              receiver: { name: recipient },
            });
          }
          return out;
        }),
        ...mine(refunds).map((r) => ({
          ref: `refund-${r.id}`,
          type: TransactionType.incomingFunds,
          date: r.at,
          value: money(new Decimal(r.amount).negated()),
          description: `Refund of unallocated funds to ${nameOf(r.organizationId)} on closing`,
          provider: { name: nameOf(r.organizationId) },
          receiver: escrowOrg,
        })),
      ].sort((a, b) => a.date.getTime() - b.date.getTime());

      const donors = unique(mine(deposits).map((d) => d.organizationId)).map(nameOf);
      const recipients = unique(accountTranches.map((t) => t.recipientOrganizationId)).map(nameOf);
      const closedAt = accountEvents.find((e) => e.kind === 'escrow_closed')?.occurredAt ?? null;
      return {
        identifier: `${reporter.ref}-${account.id}`,
        title: account.name,
        description: account.description ?? `Escrow account ${account.name} (${account.currency}): reconstruction aid released in tranches on monitored benchmarks.`,
        currency: account.currency,
        status: STATUS_CODES[account.status],
        lastUpdated: lastUpdated.get(account.id) ?? account.createdAtDate,
        startDate: account.createdAtDate,
        endDate: account.status === 'closed' ? closedAt : null,
        participants: [
          { role: OrganisationRole.accountable, org: escrowOrg },
          ...donors.map((name) => ({ role: OrganisationRole.funding, org: { name } })),
          ...recipients.map((name) => ({ role: OrganisationRole.implementing, org: { name } })),
        ],
        recipientCountry: account.country,
        sectors: sectorShares(accountTranches),
        transactions,
        conditions: accountTranches.flatMap((t) =>
          t.benchmarks.map((b) => {
            const kind = b.kind === 'humanitarian_access' ? 'Humanitarian access' : 'Anti-corruption';
            return {
              type: b.kind === 'humanitarian_access' ? ConditionType.performance : ConditionType.fiduciary,
              text: `${kind} benchmark for the ${t.category} tranche, phase ${t.phase} (${nameOf(t.recipientOrganizationId)}): ${b.description}. ` +
                `Needs approval by monitors of ${b.requiredApprovals} organizations; status: ${b.status}.`,
            };
          }),
        ),
      };
    });
    return iatiActivitiesXml(reporter, activities, new Date());
  }
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/**
 * Each category's share of what the account committed (cancelled tranches excluded, unless
 * nothing else is left), in percent with two decimals summing to exactly 100.
 */
function sectorShares(tranches: ReportedTranche[]): IatiActivity['sectors'] {
  const live = tranches.filter((t) => t.status !== 'cancelled');
  const counted = live.length > 0 ? live : tranches;
  const totals = new Map<TrancheCategory, Decimal>();
  for (const t of counted) totals.set(t.category, (totals.get(t.category) ?? new Decimal(0)).plus(t.amount));
  const sum = [...totals.values()].reduce((a, b) => a.plus(b), new Decimal(0));
  if (sum.isZero()) return [];
  const entries = [...totals.entries()].sort((a, b) => b[1].comparedTo(a[1]) || a[0].localeCompare(b[0]));
  const shares = entries.map(([, amount]) => amount.times(100).dividedBy(sum).toDecimalPlaces(2, Decimal.ROUND_DOWN));
  // Rounding down leaves at most a few hundredths: they go to the largest share.
  shares[0] = shares[0].plus(new Decimal(100).minus(shares.reduce((a, b) => a.plus(b), new Decimal(0))));
  return entries.map(([category], i) => ({ ...DAC_SECTORS[category], percentage: shares[i].toFixed(2) }));
}
