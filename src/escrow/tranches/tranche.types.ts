import type { BenchmarkView } from '../benchmarks/benchmark-views';

export const TRANCHE_CATEGORIES = ['utilities', 'shelters', 'clinics', 'infrastructure', 'livelihoods'] as const;
export type TrancheCategory = (typeof TRANCHE_CATEGORIES)[number];

export const TRANCHE_STATUSES = ['allocated', 'release_pending', 'released', 'cancelled'] as const;
export type TrancheStatus = (typeof TRANCHE_STATUSES)[number];

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
  benchmarks: BenchmarkView[];
}
