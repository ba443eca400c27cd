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
  glide_number: string | null;
  response_plan_code: string | null;
}

/** Money figures of an account or of one donor in it, as decimal strings. */
export interface EscrowBalances {
  deposited: string;
  allocated: string;
  released: string;
  refunded: string;
  /** Paid back by recipients under recovery claims (src/escrow/holds), to the donors' unallocated funds. */
  repaid: string;
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
