/**
 * The ledger's chart of accounts. One account per (owner, purpose, currency); the code says
 * which. Only `external` accounts may go below zero: they mirror money that came from outside.
 */
export type LedgerAccountKind = 'external' | 'escrow' | 'tranche' | 'recipient';

export interface LedgerAccountRef {
  code: string;
  kind: LedgerAccountKind;
  currency: string;
}

export const LedgerAccounts = {
  /** Where a donor's money comes from (and refunds go back to); negative = net contributed. */
  donorSource: (organizationId: string, currency: string): LedgerAccountRef => ({
    code: `donor:${organizationId}:${currency}`,
    kind: 'external',
    currency,
  }),
  /** A donor's deposited, not yet allocated funds in one escrow account. */
  escrowUnallocated: (escrowAccountId: string, donorOrganizationId: string, currency: string): LedgerAccountRef => ({
    code: `escrow:${escrowAccountId}:unallocated:${donorOrganizationId}`,
    kind: 'escrow',
    currency,
  }),
  /** Funds earmarked for one tranche until release or cancellation. */
  tranche: (escrowAccountId: string, trancheId: string, currency: string): LedgerAccountRef => ({
    code: `escrow:${escrowAccountId}:tranche:${trancheId}`,
    kind: 'tranche',
    currency,
  }),
  /** What a recipient organization has been paid. */
  recipient: (organizationId: string, currency: string): LedgerAccountRef => ({
    code: `recipient:${organizationId}:${currency}`,
    kind: 'recipient',
    currency,
  }),
};
