import type { BenchmarkView } from '../benchmarks/benchmark-views';

export const TRANCHE_CATEGORIES = ['utilities', 'shelters', 'clinics', 'infrastructure', 'livelihoods'] as const;
export type TrancheCategory = (typeof TRANCHE_CATEGORIES)[number];

export const TRANCHE_STATUSES = ['allocated', 'release_pending', 'released', 'cancelled', 'expired'] as const;
export type TrancheStatus = (typeof TRANCHE_STATUSES)[number];

/** The statuses in which a tranche still holds money (something remains). */
export const OPEN_TRANCHE_STATUSES: readonly TrancheStatus[] = ['allocated', 'release_pending'];

export const MAX_RETENTION_PERCENT = 50;

export interface TrancheRow {
  id: string;
  escrow_account_id: string;
  donor_organization_id: string;
  recipient_organization_id: string;
  category: TrancheCategory;
  phase: number;
  amount: string;
  currency: string;
  status: TrancheStatus;
  description: string | null;
  /** Paid to the recipient so far. */
  released_amount: string;
  /** Given back to the donor by a cancellation or an expiry. */
  returned_amount: string;
  retention_percent: number;
  /** The share held back until a final_audit benchmark is met, fixed at creation. */
  retention_amount: string;
  release_by: Date | null;
}

export interface TrancheView {
  id: string;
  escrowAccountId: string;
  donorOrganizationId: string;
  recipientOrganizationId: string;
  category: TrancheCategory;
  phase: number;
  amount: string;
  currency: string;
  status: TrancheStatus;
  description: string | null;
  releasedAmount: string;
  remainingAmount: string;
  retentionPercent: number;
  /** Held back now: the retained share still in the tranche while its final audit is not met; else 0. */
  retainedAmount: string;
  /** What a release request may take now: the remaining amount less what is retained. */
  releasableAmount: string;
  /** What a cancellation or an expiry gave back to the donor. */
  returnedAmount: string;
  releaseBy: string | null;
  benchmarks: BenchmarkView[];
}
