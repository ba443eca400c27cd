import type { ApprovalTier } from '../approval-policy/approval-tiers';

export const ESCROW_STATUSES = ['active', 'suspended', 'closed'] as const;
export type EscrowStatus = (typeof ESCROW_STATUSES)[number];

export interface EscrowAccountRow {
  id: string;
  name: string;
  currency: string;
  country: string | null;
  description: string | null;
  status: EscrowStatus;
  created_at: Date;
  /** The approval policy release requests are made under now. */
  approval_tiers: ApprovalTier[];
  /** The approved change that set it; null while the default applies. */
  approval_policy_change_id: string | null;
  glide_number: string | null;
  response_plan_code: string | null;
}

/** Money figures of an account or of one donor in it, as decimal strings. */
export interface EscrowBalances {
  deposited: string;
  allocated: string;
  released: string;
  refunded: string;
  /** What recipients paid back under recovery claims (oversight). */
  repaid: string;
  /** deposited + repaid - allocated - released - refunded. */
  unallocated: string;
}

export interface DonorBalances extends EscrowBalances {
  organizationId: string;
}

export interface EscrowAccountView {
  id: string;
  name: string;
  currency: string;
  country: string | null;
  description: string | null;
  status: EscrowStatus;
  createdAt: string;
  /** The emergency's GLIDE number and the humanitarian response plan code, when given. */
  glideNumber: string | null;
  responsePlanCode: string | null;
  balances: EscrowBalances;
  donors: DonorBalances[];
}
