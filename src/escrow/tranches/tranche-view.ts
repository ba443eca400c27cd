import { Money } from '../../common/money/money';
import { finalAuditMet } from '../benchmarks/benchmark-status';
import type { BenchmarkView } from '../benchmarks/benchmark-views';
import { trancheAmounts } from './tranche-amounts';
import { TrancheRow, TrancheView } from './tranche.types';

/** A tranche as API.md shows it: its figures derived from the row and its benchmarks' status now. */
export function toTrancheView(row: TrancheRow, benchmarks: BenchmarkView[]): TrancheView {
  const figures = trancheAmounts(row, finalAuditMet(benchmarks));
  return {
    id: row.id,
    escrowAccountId: row.escrow_account_id,
    donorOrganizationId: row.donor_organization_id,
    recipientOrganizationId: row.recipient_organization_id,
    category: row.category,
    phase: row.phase,
    amount: Money.of(row.amount, row.currency).toString(),
    currency: row.currency,
    status: row.status,
    description: row.description,
    releasedAmount: figures.released.toString(),
    remainingAmount: figures.remaining.toString(),
    retentionPercent: row.retention_percent,
    retainedAmount: figures.retained.toString(),
    releasableAmount: figures.releasable.toString(),
    returnedAmount: figures.returned.toString(),
    releaseBy: row.release_by?.toISOString() ?? null,
    benchmarks,
  };
}
