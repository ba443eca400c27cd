import type { TrancheCategory, TrancheStatus } from './tranches/tranche.types';
import type { BenchmarkKind, BenchmarkStatus } from './benchmarks/benchmark-status';

/** How many of an account's tranches are in each status (every status present, zeros included). */
export type TrancheCounts = Record<TrancheStatus, number>;

/**
 * What one category and phase of an account holds: `amount` is what was committed there and did
 * not go back to the donor (the tranches' amounts less what a cancellation or an expiry
 * returned), `released` the part of it paid to recipients. `amount − released` is still held.
 */
export interface CategoryPhaseTotal {
  category: TrancheCategory;
  phase: number;
  amount: string;
  released: string;
}

/** Per account: sizes that depend on the number of categories and phases, never of tranches. */
export interface AccountTrancheSummary {
  trancheCounts: TrancheCounts;
  byCategoryPhase: CategoryPhaseTotal[];
}

/** Where a page of tranches starts: after this key, in (phase, category, id) order. */
export interface TrancheKey {
  phase: number;
  category: TrancheCategory;
  id: string;
}

/** A tranche as a public page lists it. */
export interface PagedTranche {
  id: string;
  category: TrancheCategory;
  phase: number;
  amount: string;
  releasedAmount: string;
  status: TrancheStatus;
  recipientOrganizationId: string;
  benchmarks: { kind: BenchmarkKind; status: BenchmarkStatus }[];
}

export interface TranchePage {
  items: PagedTranche[];
  /** The key of the last item when more follow, else null. */
  next: TrancheKey | null;
}
