/**
 * Where a violation (or an inspection) applies: one escrow account, one recipient organization
 * across every account, one tranche, or a country (every escrow account whose `country` it is).
 * Oversight speaks in these terms; escrow turns them into accounts and tranches.
 */
export const SCOPE_KINDS = ['escrow_account', 'recipient', 'tranche', 'country'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export type EscrowScope =
  | { scope: 'escrow_account'; escrowAccountId: string }
  | { scope: 'recipient'; recipientOrganizationId: string }
  | { scope: 'tranche'; trancheId: string }
  | { scope: 'country'; country: string };

/** The field that names a scope's target, as API bodies and views spell it. */
export const SCOPE_FIELD = {
  escrow_account: 'escrowAccountId',
  recipient: 'recipientOrganizationId',
  tranche: 'trancheId',
  country: 'country',
} as const satisfies Record<ScopeKind, string>;

export function scopeTarget(scope: EscrowScope): string {
  switch (scope.scope) {
    case 'escrow_account':
      return scope.escrowAccountId;
    case 'recipient':
      return scope.recipientOrganizationId;
    case 'tranche':
      return scope.trancheId;
    case 'country':
      return scope.country;
  }
}

/** The scope's target as one-field object, e.g. `{trancheId: "…"}`: the `ids` of API bodies and commitments. */
export function scopeIds(scope: EscrowScope): Record<string, string> {
  return { [SCOPE_FIELD[scope.scope]]: scopeTarget(scope) };
}

/** A scope from its kind and target (as stored: one column per kind). */
export function scopeOf(kind: ScopeKind, target: string): EscrowScope {
  switch (kind) {
    case 'escrow_account':
      return { scope: kind, escrowAccountId: target };
    case 'recipient':
      return { scope: kind, recipientOrganizationId: target };
    case 'tranche':
      return { scope: kind, trancheId: target };
    case 'country':
      return { scope: kind, country: target };
  }
}

/** Row columns → scope, for tables that keep one nullable column per kind. */
export function scopeOfColumns(row: {
  scope: ScopeKind;
  escrow_account_id: string | null;
  recipient_organization_id: string | null;
  tranche_id: string | null;
  country: string | null;
}): EscrowScope {
  const target = { escrow_account: row.escrow_account_id, recipient: row.recipient_organization_id, tranche: row.tranche_id, country: row.country }[row.scope];
  return scopeOf(row.scope, target!);
}

/** The SQL condition on `t` (tranches) joined with `a` (escrow_accounts) that selects the scope; `$n` its target. */
export function trancheScopeCondition(scope: ScopeKind, parameter: number): string {
  return {
    escrow_account: `t.escrow_account_id = $${parameter}`,
    recipient: `t.recipient_organization_id = $${parameter}`,
    tranche: `t.id = $${parameter}`,
    country: `a.country = $${parameter}`,
  }[scope];
}
