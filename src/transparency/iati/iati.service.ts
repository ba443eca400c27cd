import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BenchmarksRepository } from '../../benchmarks/benchmarks.repository';
import { Decimal, formatAmount } from '../../common/money/money';
import { AppConfig } from '../../config/app-config';
import { EscrowRepository } from '../../escrow/escrow.repository';
import type { TrancheCategory, TrancheStatus } from '../../tranches/tranche.types';
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
export const DAC_SECTORS: Record<TrancheCategory, { code: string; name: string }> = {
  utilities: { code: '14030', name: 'Basic drinking water supply and basic sanitation' },
  clinics: { code: '12230', name: 'Basic health infrastructure' },
  shelters: { code: '72010', name: 'Material relief assistance and services' },
  infrastructure: { code: '73010', name: 'Immediate post-emergency reconstruction and rehabilitation' },
  livelihoods: { code: '16020', name: 'Employment creation' },
};

const STATUS_CODES = { active: ActivityStatus.implementation, suspended: ActivityStatus.suspended, closed: ActivityStatus.closed };

interface Named {
  escrow_account_id: string;
  organization_id: string;
  organization: string;
}

interface MoneyRow extends Named {
  id: string;
  amount: string;
  created_at: Date;
}

interface TrancheRow {
  id: string;
  escrow_account_id: string;
  donor: string;
  recipient_organization_id: string;
  recipient: string;
  category: TrancheCategory;
  phase: number;
  amount: string;
  status: TrancheStatus;
  created_at: Date;
  released_at: Date | null;
}

interface EventRow {
  escrow_account_id: string;
  kind: 'tranche_cancelled' | 'escrow_closed';
  tranche_id: string | null;
  occurred_at: Date;
}

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
    private readonly escrowAccounts: EscrowRepository,
    private readonly benchmarks: BenchmarksRepository,
  ) {}

  async build(db: EntityManager): Promise<string> {
    const accounts = await this.escrowAccounts.findAll(db);
    const ids = accounts.map((a) => a.id);
    const deposits: MoneyRow[] = await db.query(
      `SELECT d.id, d.escrow_account_id, d.organization_id, o.name AS organization, d.amount::text AS amount, d.created_at
         FROM deposits d JOIN organizations o ON o.id = d.organization_id
        WHERE d.escrow_account_id = ANY ($1) ORDER BY d.created_at, d.id`,
      [ids],
    );
    const refunds: MoneyRow[] = await db.query(
      `SELECT r.id, r.escrow_account_id, r.organization_id, o.name AS organization, r.amount::text AS amount, r.created_at
         FROM refunds r JOIN organizations o ON o.id = r.organization_id
        WHERE r.escrow_account_id = ANY ($1) ORDER BY r.created_at, r.id`,
      [ids],
    );
    const tranches: TrancheRow[] = await db.query(
      `SELECT t.id, t.escrow_account_id, d.name AS donor, t.recipient_organization_id, r.name AS recipient,
              t.category, t.phase, t.amount::text AS amount, t.status, t.created_at,
              (SELECT max(q.decided_at) FROM release_requests q WHERE q.tranche_id = t.id AND q.status = 'approved') AS released_at
         FROM tranches t
         JOIN organizations d ON d.id = t.donor_organization_id
         JOIN organizations r ON r.id = t.recipient_organization_id
        WHERE t.escrow_account_id = ANY ($1) ORDER BY t.phase, t.created_at, t.id`,
      [ids],
    );
    // When a tranche was cancelled and an account closed: only the journal records it.
    const events: EventRow[] = await db.query(
      `SELECT j.escrow_account_id, j.kind, (j.body::json #>> '{refs,trancheId}') AS tranche_id, j.occurred_at
         FROM journal_transactions j
        WHERE j.escrow_account_id = ANY ($1) AND j.kind IN ('tranche_cancelled', 'escrow_closed')`,
      [ids],
    );
    const lastUpdated: { id: string; at: Date | null }[] = await db.query(
      `SELECT a.id, (SELECT j.occurred_at FROM journal_transactions j WHERE j.escrow_account_id = a.id ORDER BY j.seq DESC LIMIT 1) AS at
         FROM unnest($1::uuid[]) AS a(id)`,
      [ids],
    );
    const benchmarks = await this.benchmarks.findByTranches(db, tranches.map((t) => t.id));

    const reporter = {
      ref: this.config.IATI_REPORTING_ORG_REF,
      name: this.config.IATI_REPORTING_ORG_NAME,
      type: this.config.IATI_REPORTING_ORG_TYPE,
    };
    const escrowOrg: IatiOrg = { ref: reporter.ref, type: reporter.type, name: reporter.name };
    const activities = accounts.map((account): IatiActivity => {
      const mine = <T extends { escrow_account_id: string }>(rows: T[]) => rows.filter((r) => r.escrow_account_id === account.id);
      const accountTranches = mine(tranches);
      const accountEvents = mine(events);
      const money = (amount: Decimal | string) => formatAmount(amount, account.currency);
      const cancelledAt = new Map(accountEvents.filter((e) => e.kind === 'tranche_cancelled').map((e) => [e.tranche_id, e.occurred_at]));

      const transactions: IatiTransaction[] = [
        ...mine(deposits).map((d) => ({
          ref: `deposit-${d.id}`,
          type: TransactionType.incomingFunds,
          date: d.created_at,
          value: money(d.amount),
          description: `Deposit by ${d.organization}`,
          provider: { name: d.organization },
          receiver: escrowOrg,
        })),
        ...accountTranches.flatMap((t) => {
          const label = `${t.category} tranche, phase ${t.phase}, for ${t.recipient}`;
          const out: IatiTransaction[] = [
            {
              ref: `allocation-${t.id}`,
              type: TransactionType.outgoingCommitment,
              date: t.created_at,
              value: money(t.amount),
              description: `Allocation by ${t.donor}: ${label}`,
              provider: escrowOrg,
              receiver: { name: t.recipient },
            },
          ];
          if (t.status === 'released' && t.released_at) {
            out.push({
              ref: `release-${t.id}`,
              type: TransactionType.disbursement,
              date: t.released_at,
              value: money(t.amount),
              description: `Release of the ${label}, benchmarks met and approved by two administrators`,
              provider: escrowOrg,
              receiver: { name: t.recipient },
            });
          }
          if (t.status === 'cancelled') {
            out.push({
              ref: `cancellation-${t.id}`,
              type: TransactionType.outgoingCommitment,
              date: cancelledAt.get(t.id) ?? t.created_at,
              value: money(new Decimal(t.amount).negated()),
              description: `Cancellation of the ${label}: funds returned to the unallocated balance`,
              provider: escrowOrg,
              receiver: { name: t.recipient },
            });
          }
          return out;
        }),
        ...mine(refunds).map((r) => ({
          ref: `refund-${r.id}`,
          type: TransactionType.incomingFunds,
          date: r.created_at,
          value: money(new Decimal(r.amount).negated()),
          description: `Refund of unallocated funds to ${r.organization} on closing`,
          provider: { name: r.organization },
          receiver: escrowOrg,
        })),
      ].sort((a, b) => a.date.getTime() - b.date.getTime());

      const donors = uniqueOrgs(mine(deposits));
      const recipients = uniqueOrgs(accountTranches.map((t) => ({ organization_id: t.recipient_organization_id, organization: t.recipient })));
      const closedAt = accountEvents.find((e) => e.kind === 'escrow_closed')?.occurred_at ?? null;
      return {
        identifier: `${reporter.ref}-${account.id}`,
        title: account.name,
        description: account.description ?? `Escrow account ${account.name} (${account.currency}): reconstruction aid released in tranches on monitored benchmarks.`,
        currency: account.currency,
        status: STATUS_CODES[account.status],
        lastUpdated: lastUpdated.find((u) => u.id === account.id)?.at ?? account.created_at,
        startDate: account.created_at,
        endDate: account.status === 'closed' ? closedAt : null,
        participants: [
          { role: OrganisationRole.accountable, org: escrowOrg },
          ...donors.map((name) => ({ role: OrganisationRole.funding, org: { name } })),
          ...recipients.map((name) => ({ role: OrganisationRole.implementing, org: { name } })),
        ],
        recipientCountry: account.country,
        sectors: sectorShares(accountTranches),
        transactions,
        conditions: benchmarks
          .filter((b) => accountTranches.some((t) => t.id === b.trancheId))
          .map((b) => {
            const t = accountTranches.find((x) => x.id === b.trancheId)!;
            const kind = b.kind === 'humanitarian_access' ? 'Humanitarian access' : 'Anti-corruption';
            return {
              type: b.kind === 'humanitarian_access' ? ConditionType.performance : ConditionType.fiduciary,
              text: `${kind} benchmark for the ${t.category} tranche, phase ${t.phase} (${t.recipient}): ${b.description}. ` +
                `Needs approval by monitors of ${b.requiredApprovals} organizations; status: ${b.status}.`,
            };
          }),
      };
    });
    return iatiActivitiesXml(reporter, activities, new Date());
  }
}

function uniqueOrgs(rows: { organization_id: string; organization: string }[]): string[] {
  return [...new Map(rows.map((r) => [r.organization_id, r.organization])).values()];
}

/**
 * Each category's share of what the account committed (cancelled tranches excluded, unless
 * nothing else is left), in percent with two decimals summing to exactly 100.
 */
function sectorShares(tranches: TrancheRow[]): IatiActivity['sectors'] {
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
