import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EscrowAccountRow } from '../accounts/account.types';
import { TrancheRow } from '../tranches/tranche.types';
import { EscrowScope, scopeTarget, trancheScopeCondition } from './escrow-scope';

export interface StandingHold {
  case_id: string;
  scope: EscrowScope['scope'];
}

const TRANCHE_COLUMNS = `t.id, t.escrow_account_id, t.donor_organization_id, t.recipient_organization_id, t.category, t.phase,
                         t.amount::text AS amount, t.currency, t.status, t.description, t.released_amount::text AS released_amount,
                         t.returned_amount::text AS returned_amount, t.retention_percent, t.retention_amount::text AS retention_amount, t.release_by`;

/** SQL of release holds, snap-back marks and the scope lookups they need; executor first. */
@Injectable()
export class HoldsRepository {
  async insert(db: EntityManager, hold: { caseId: string; scope: EscrowScope; placedBy: string }): Promise<string> {
    const column = { escrow_account: 'escrow_account_id', recipient: 'recipient_organization_id', tranche: 'tranche_id', country: 'country' }[hold.scope.scope];
    const [row] = await db.query(
      `INSERT INTO release_holds (case_id, scope, ${column}, placed_by) VALUES ($1, $2, $3, $4) RETURNING id`,
      [hold.caseId, hold.scope.scope, scopeTarget(hold.scope), hold.placedBy],
    );
    return row.id;
  }

  /** Lifts the case's standing hold; its id, or undefined when none stands. */
  async lift(db: EntityManager, caseId: string, liftedBy: string): Promise<string | undefined> {
    const [[row]] = await db.query(
      `UPDATE release_holds SET lifted_at = now(), lifted_by = $2 WHERE case_id = $1 AND lifted_at IS NULL RETURNING id`,
      [caseId, liftedBy],
    );
    return row?.id;
  }

  /** A standing hold over this tranche, by any scope that covers it. */
  async standingOverTranche(db: EntityManager, account: EscrowAccountRow, tranche: TrancheRow): Promise<StandingHold | undefined> {
    const [row] = await db.query(
      `SELECT case_id, scope FROM release_holds
        WHERE lifted_at IS NULL
          AND (escrow_account_id = $1 OR recipient_organization_id = $2 OR tranche_id = $3 OR country = $4)
        ORDER BY placed_at LIMIT 1`,
      [account.id, tranche.recipient_organization_id, tranche.id, account.country],
    );
    return row;
  }

  /** A standing hold over the whole account (its own, or its country's). */
  async standingOverAccount(db: EntityManager, account: EscrowAccountRow): Promise<StandingHold | undefined> {
    const [row] = await db.query(
      `SELECT case_id, scope FROM release_holds
        WHERE lifted_at IS NULL AND (escrow_account_id = $1 OR country = $2)
        ORDER BY placed_at LIMIT 1`,
      [account.id, account.country],
    );
    return row;
  }

  /** The accounts a scope stops as a whole, locked for update in id order (as suspensions lock them). */
  async lockAccountsOf(db: EntityManager, scope: EscrowScope): Promise<EscrowAccountRow[]> {
    if (scope.scope !== 'escrow_account' && scope.scope !== 'country') return [];
    const column = scope.scope === 'escrow_account' ? 'id' : 'country';
    return db.query(
      `SELECT id, name, currency, country, description, status, created_at FROM escrow_accounts
        WHERE ${column} = $1 ORDER BY id FOR UPDATE`,
      [scopeTarget(scope)],
    );
  }

  /**
   * The scope's tranches that still hold money (allocated or release-pending), locked for update
   * in id order: a release of one of them either committed before, or waits and then sees the hold.
   */
  async lockOpenTranchesOf(db: EntityManager, scope: EscrowScope): Promise<TrancheRow[]> {
    return db.query(
      `SELECT ${TRANCHE_COLUMNS} FROM tranches t JOIN escrow_accounts a ON a.id = t.escrow_account_id
        WHERE ${trancheScopeCondition(scope.scope, 1)} AND t.status IN ('allocated', 'release_pending')
        ORDER BY t.id FOR UPDATE OF t`,
      [scopeTarget(scope)],
    );
  }

  /** Pending release requests of these tranches. */
  async pendingRequestsOf(db: EntityManager, trancheIds: readonly string[]): Promise<{ id: string; tranche_id: string }[]> {
    if (trancheIds.length === 0) return [];
    return db.query(`SELECT id, tranche_id FROM release_requests WHERE status = 'pending' AND tranche_id = ANY ($1) ORDER BY tranche_id`, [trancheIds]);
  }

  /**
   * Snap-back: every sign-off given so far on these tranches' benchmarks stops counting. The
   * tranches are locked for update, and sign-offs share-lock their tranche, so none is in flight.
   */
  async voidSignoffsSoFar(db: EntityManager, trancheIds: readonly string[], caseId: string): Promise<void> {
    if (trancheIds.length === 0) return;
    await db.query(
      `INSERT INTO signoff_snapbacks (tranche_id, signoffs_void_through, case_id)
       SELECT t.id, coalesce((SELECT max(s.id) FROM benchmark_signoffs s JOIN benchmarks b ON b.id = s.benchmark_id WHERE b.tranche_id = t.id), 0), $2
         FROM unnest($1::uuid[]) AS t(id)
       ON CONFLICT (tranche_id) DO UPDATE
         SET signoffs_void_through = greatest(signoff_snapbacks.signoffs_void_through, EXCLUDED.signoffs_void_through),
             case_id = EXCLUDED.case_id, created_at = now()`,
      [trancheIds, caseId],
    );
  }

  /** Does the scope name something that exists? (A country always does; its validity is the DTO's.) */
  async targetExists(db: EntityManager, scope: EscrowScope): Promise<boolean> {
    const table = { escrow_account: 'escrow_accounts', tranche: 'tranches', recipient: 'organizations', country: undefined }[scope.scope];
    if (!table) return true;
    const [row] = await db.query(
      `SELECT 1 FROM ${table} WHERE id = $1${scope.scope === 'recipient' ? ` AND type = 'recipient'` : ''}`,
      [scopeTarget(scope)],
    );
    return row !== undefined;
  }

  /** Whether a tranche lies in the scope. */
  async trancheInScope(db: EntityManager, scope: EscrowScope, trancheId: string): Promise<boolean> {
    const [row] = await db.query(
      `SELECT 1 FROM tranches t JOIN escrow_accounts a ON a.id = t.escrow_account_id WHERE t.id = $2 AND ${trancheScopeCondition(scope.scope, 1)}`,
      [scopeTarget(scope), trancheId],
    );
    return row !== undefined;
  }

  /** The donor organizations (depositors and allocators) and the recipients in the scope. */
  async partiesOf(db: EntityManager, scope: EscrowScope): Promise<{ donors: string[]; recipients: string[] }> {
    const [tranches] = await db.query(
      `SELECT coalesce(array_agg(DISTINCT t.donor_organization_id), '{}') AS donors,
              coalesce(array_agg(DISTINCT t.recipient_organization_id), '{}') AS recipients
         FROM tranches t JOIN escrow_accounts a ON a.id = t.escrow_account_id
        WHERE ${trancheScopeCondition(scope.scope, 1)}`,
      [scopeTarget(scope)],
    );
    const donors = new Set<string>(tranches.donors);
    if (scope.scope === 'escrow_account' || scope.scope === 'country') {
      const [deposits] = await db.query(
        `SELECT coalesce(array_agg(DISTINCT d.organization_id), '{}') AS depositors
           FROM deposits d JOIN escrow_accounts a ON a.id = d.escrow_account_id
          WHERE ${scope.scope === 'country' ? 'a.country' : 'a.id'} = $1`,
        [scopeTarget(scope)],
      );
      for (const id of deposits.depositors as string[]) donors.add(id);
    }
    const recipients = new Set<string>(tranches.recipients);
    if (scope.scope === 'recipient') recipients.add(scope.recipientOrganizationId);
    return { donors: [...donors], recipients: [...recipients] };
  }
}
