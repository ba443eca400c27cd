import { Injectable } from '@nestjs/common';
import { isValid as isCountryCode } from 'i18n-iso-countries';
import { EntityManager } from 'typeorm';
import { AuthService } from '../../auth/auth.service';
import { Decimal, formatAmount } from '../../common/money/money';
import { AppConfig } from '../../config/app-config';
import { EscrowReadModel, ReportedTranche } from '../../escrow/escrow-read-model';
import type { TrancheCategory } from '../../escrow/tranches/tranche.types';
import { JournalReaderService } from '../../ledger/journal-reader.service';
import { COMMITTED_BUDGET, DAC_SECTORS, ESCROW_DEFAULTS, HumanitarianScope, REGION_UNSPECIFIED, SECTOR_NOT_SPECIFIED } from './iati-codes';
import {
  ActivityStatus,
  ConditionType,
  IatiActivity,
  iatiActivitiesXml,
  IatiBudget,
  IatiOrg,
  IatiTransaction,
  OrganisationRole,
  TransactionType,
} from './iati-xml';

/**
 * The IATI 2.03 activity file: one iati-activity per escrow account. Deposits are incoming
 * funds (1) from each donor; each tranche is an outgoing commitment (2) to its recipient, and a
 * cancelled one is decommitted with a negative commitment; a release is a disbursement (3); a
 * refund on closing is reported as negative incoming funds to that donor. Benchmarks are the
 * activity's conditions: humanitarian access as performance (2), anti-corruption as fiduciary (3).
 * The file passes the IATI Standard Ruleset whatever state an account is in (no tranche yet, no
 * country, closed with nothing paid out): see iati-codes.ts for each fallback.
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
    const organizations = await this.identity.reportedOrganizations(db, [...new Set(organizationIds)]);
    const orgOf = (id: string): IatiOrg => {
      const found = organizations.get(id);
      return found ? { name: found.name, ref: found.iatiRef, type: found.iatiType } : { name: id };
    };
    // When a tranche's remainder went back, and when an account closed: only the journal records it.
    const events = await this.journal.eventsOf(db, ids, ['tranche_cancelled', 'tranche_expired', 'escrow_closed']);
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
      // When a tranche's remainder went back (cancelled or expired): only the journal records it.
      const returnedAt = new Map(accountEvents.filter((e) => e.kind === 'tranche_cancelled' || e.kind === 'tranche_expired').map((e) => [e.refs.trancheId, e.occurredAt]));

      const transactions: IatiTransaction[] = [
        ...mine(deposits).map((d) => ({
          ref: `deposit-${d.id}`,
          type: TransactionType.incomingFunds,
          date: d.at,
          value: money(d.amount),
          description: `Deposit by ${orgOf(d.organizationId).name}`,
          provider: orgOf(d.organizationId),
          receiver: escrowOrg,
        })),
        ...accountTranches.flatMap((t) => {
          const recipient = orgOf(t.recipientOrganizationId);
          const label = `${t.category} tranche, phase ${t.phase}, for ${recipient.name}`;
          const out: IatiTransaction[] = [
            {
              ref: `allocation-${t.id}`,
              type: TransactionType.outgoingCommitment,
              date: t.createdAt,
              value: money(t.amount),
              description: `Allocation by ${orgOf(t.donorOrganizationId).name}: ${label}`,
              provider: escrowOrg,
              receiver: recipient,
            },
          ];
          // Each instalment is a disbursement of its own, on the day it was approved.
          for (const release of t.releases) {
            out.push({
              ref: `release-${release.releaseRequestId}`,
              type: TransactionType.disbursement,
              date: release.at,
              value: money(release.amount),
              description: `Release of ${money(release.amount)} ${account.currency} of the ${label}: benchmarks met, approved by administrators other than the requester`,
              provider: escrowOrg,
              receiver: recipient,
            });
          }
          // A remainder that went back is decommitted: a negative commitment of what returned.
          if ((t.status === 'cancelled' || t.status === 'expired') && new Decimal(t.returnedAmount).isPositive()) {
            out.push({
              ref: `${t.status === 'cancelled' ? 'cancellation' : 'expiry'}-${t.id}`,
              type: TransactionType.outgoingCommitment,
              date: returnedAt.get(t.id) ?? t.createdAt,
              value: money(new Decimal(t.returnedAmount).negated()),
              description: `${t.status === 'cancelled' ? 'Cancellation' : 'Expiry'} of the ${label}: ${money(t.returnedAmount)} ${account.currency} returned to the unallocated balance`,
              provider: escrowOrg,
              receiver: recipient,
            });
          }
          return out;
        }),
        ...mine(refunds).map((r) => ({
          ref: `refund-${r.id}`,
          type: TransactionType.incomingFunds,
          date: r.at,
          value: money(new Decimal(r.amount).negated()),
          description: `Refund of unallocated funds to ${orgOf(r.organizationId).name} on closing`,
          provider: orgOf(r.organizationId),
          receiver: escrowOrg,
        })),
      ].sort((a, b) => a.date.getTime() - b.date.getTime());

      const donors = unique(mine(deposits).map((d) => d.organizationId)).map(orgOf);
      const recipients = unique(accountTranches.map((t) => t.recipientOrganizationId)).map(orgOf);
      const closedAt = accountEvents.find((e) => e.kind === 'escrow_closed')?.occurredAt ?? null;
      const paidOut = accountTranches.some((t) => t.releases.length > 0);
      return {
        identifier: `${reporter.ref}-${account.id}`,
        title: account.name,
        description: account.description ?? `Escrow account ${account.name} (${account.currency}): reconstruction aid released in tranches on monitored benchmarks.`,
        currency: account.currency,
        // Closed having paid nothing out, an account was given up before it did anything: cancelled.
        status: account.status === 'closed' ? (paidOut ? ActivityStatus.closed : ActivityStatus.cancelled) : STATUS_CODES[account.status],
        lastUpdated: lastUpdated.get(account.id) ?? account.createdAtDate,
        startDate: account.createdAtDate,
        endDate: account.status === 'closed' ? closedAt : null,
        participants: [
          { role: OrganisationRole.accountable, org: escrowOrg },
          ...donors.map((org) => ({ role: OrganisationRole.funding, org })),
          ...recipients.map((org) => ({ role: OrganisationRole.implementing, org })),
        ],
        // A code stored before countries were checked at input may not be a country at all: the
        // file never carries it (the IATI Country codelist holds every ISO 3166-1 code this accepts).
        recipient: isIatiCountry(account.country) ? { country: account.country } : { region: REGION_UNSPECIFIED },
        sectors: sectorShares(accountTranches),
        humanitarianScopes: [
          ...(account.glideNumber ? [{ ...HumanitarianScope.glide, code: account.glideNumber }] : []),
          ...(account.responsePlanCode ? [{ ...HumanitarianScope.responsePlan, code: account.responsePlanCode }] : []),
        ],
        defaults: ESCROW_DEFAULTS,
        budgets: yearlyCommitments(accountTranches, account.createdAtDate, account.currency),
        transactions,
        conditions: accountTranches.flatMap((t) =>
          t.benchmarks.map((b) => {
            const kind = b.kind === 'humanitarian_access' ? 'Humanitarian access' : 'Anti-corruption';
            return {
              type: b.kind === 'humanitarian_access' ? ConditionType.performance : ConditionType.fiduciary,
              text: `${kind} benchmark for the ${t.category} tranche, phase ${t.phase} (${orgOf(t.recipientOrganizationId).name}): ${b.description}. ` +
                `Needs approval by monitors of ${b.requiredApprovals} organizations; status: ${b.status}.`,
            };
          }),
        ),
      };
    });
    return iatiActivitiesXml(reporter, activities, new Date());
  }
}

const STATUS_CODES = { active: ActivityStatus.implementation, suspended: ActivityStatus.suspended };

/** An ISO 3166-1 alpha-2 code that exists (alpha-3 and numeric codes, which the library also knows, are not). */
function isIatiCountry(code: string | null): code is string {
  return code !== null && /^[A-Z]{2}$/.test(code) && isCountryCode(code);
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/**
 * Each category's share of what the account committed (cancelled tranches excluded, unless
 * nothing else is left), in percent with two decimals summing to exactly 100. An account with
 * no tranche at all says so: sector not specified, 100 %.
 */
function sectorShares(tranches: ReportedTranche[]): IatiActivity['sectors'] {
  const live = tranches.filter((t) => t.status !== 'cancelled');
  const counted = live.length > 0 ? live : tranches;
  const totals = new Map<TrancheCategory, Decimal>();
  for (const t of counted) totals.set(t.category, (totals.get(t.category) ?? new Decimal(0)).plus(t.amount));
  const sum = [...totals.values()].reduce((a, b) => a.plus(b), new Decimal(0));
  if (sum.isZero()) return [{ ...SECTOR_NOT_SPECIFIED, percentage: '100.00' }];
  const entries = [...totals.entries()].sort((a, b) => b[1].comparedTo(a[1]) || a[0].localeCompare(b[0]));
  const shares = entries.map(([, amount]) => amount.times(100).dividedBy(sum).toDecimalPlaces(2, Decimal.ROUND_DOWN));
  // Rounding down leaves at most a few hundredths: they go to the largest share.
  shares[0] = shares[0].plus(new Decimal(100).minus(shares.reduce((a, b) => a.plus(b), new Decimal(0))));
  return entries.map(([category], i) => ({ ...DAC_SECTORS[category], percentage: shares[i].toFixed(2) }));
}

/**
 * The budget: per calendar year (IATI wants periods of at most a year), what the tranches
 * earmarked that year still commit (cancelled ones commit nothing), from the account's first
 * day in its first year. An account that committed nothing reports a committed budget of zero
 * for the year it opened, which is the truth; none of the BudgetNotProvided reasons
 * (commercial, legal, rapid-onset emergency) is.
 */
function yearlyCommitments(tranches: ReportedTranche[], opened: Date, currency: string): IatiBudget[] {
  const byYear = new Map<number, Decimal>();
  for (const t of tranches) {
    if (t.status === 'cancelled') continue;
    const year = t.createdAt.getUTCFullYear();
    byYear.set(year, (byYear.get(year) ?? new Decimal(0)).plus(t.amount));
  }
  if (byYear.size === 0) byYear.set(opened.getUTCFullYear(), new Decimal(0));
  return [...byYear.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([year, amount]) => {
      const start = new Date(Date.UTC(year, 0, 1));
      return {
        ...COMMITTED_BUDGET,
        periodStart: opened > start ? opened : start,
        periodEnd: new Date(Date.UTC(year, 11, 31)),
        value: formatAmount(amount, currency),
      };
    });
}
