import { Decimal, formatAmount } from '../../common/money/money';
import { DonorBalances, EscrowAccountRow, EscrowAccountView, EscrowBalances } from './account.types';
import { DonorTotalsRow } from './accounts.repository';

const FIGURES = ['deposited', 'allocated', 'released', 'refunded', 'repaid'] as const;

function balancesOf(totals: Record<(typeof FIGURES)[number], Decimal>, currency: string): EscrowBalances {
  // API.md: unallocated = deposited + repaid − allocated − released − refunded.
  const unallocated = totals.deposited.plus(totals.repaid).minus(totals.allocated).minus(totals.released).minus(totals.refunded);
  return {
    deposited: formatAmount(totals.deposited, currency),
    allocated: formatAmount(totals.allocated, currency),
    released: formatAmount(totals.released, currency),
    refunded: formatAmount(totals.refunded, currency),
    repaid: formatAmount(totals.repaid, currency),
    unallocated: formatAmount(unallocated, currency),
  };
}

/** An account as API.md shows it: status, account-wide figures and each donor's. */
export function toEscrowAccountView(account: EscrowAccountRow, donorRows: DonorTotalsRow[]): EscrowAccountView {
  const sum = Object.fromEntries(FIGURES.map((f) => [f, new Decimal(0)])) as Record<(typeof FIGURES)[number], Decimal>;
  const donors: DonorBalances[] = donorRows.map((row) => {
    const figures = Object.fromEntries(FIGURES.map((f) => [f, new Decimal(row[f])])) as typeof sum;
    for (const f of FIGURES) sum[f] = sum[f].plus(figures[f]);
    return { organizationId: row.organization_id, ...balancesOf(figures, account.currency) };
  });
  return {
    id: account.id,
    name: account.name,
    currency: account.currency,
    country: account.country,
    description: account.description,
    status: account.status,
    createdAt: account.created_at.toISOString(),
    glideNumber: account.glide_number,
    responsePlanCode: account.response_plan_code,
    balances: balancesOf(sum, account.currency),
    donors,
  };
}
