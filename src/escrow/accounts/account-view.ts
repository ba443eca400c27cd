import { Decimal, formatAmount } from '../../common/money/money';
import { DonorBalances, EscrowAccountRow, EscrowAccountView, EscrowBalances } from './account.types';
import { DONOR_FIGURES, DonorFigure, DonorTotalsRow } from './donor-totals.repository';

type Figures = Record<DonorFigure, Decimal>;

function balancesOf(totals: Figures, currency: string): EscrowBalances {
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

/** An account as API.md shows it: status, account-wide figures and each donor's (its running totals). */
export function toEscrowAccountView(account: EscrowAccountRow, donorRows: DonorTotalsRow[]): EscrowAccountView {
  const sum = Object.fromEntries(DONOR_FIGURES.map((f) => [f, new Decimal(0)])) as Figures;
  const donors: DonorBalances[] = donorRows.map((row) => {
    const figures = Object.fromEntries(DONOR_FIGURES.map((f) => [f, new Decimal(row[f])])) as Figures;
    for (const f of DONOR_FIGURES) sum[f] = sum[f].plus(figures[f]);
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
