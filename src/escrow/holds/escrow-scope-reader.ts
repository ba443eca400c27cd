import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFound } from '../../common/errors/common-errors';
import { Money } from '../../common/money/money';
import { TrancheRow } from '../tranches/tranche.types';
import { TranchesRepository } from '../tranches/tranches.repository';
import { EscrowScope, SCOPE_FIELD, scopeTarget } from './escrow-scope';
import { HoldsRepository } from './holds.repository';

/** A tranche with money at risk: what a random inspection draw weighs. */
export interface OpenTranche {
  id: string;
  escrowAccountId: string;
  currency: string;
  /** Allocated and not yet released, in the account's currency. */
  unreleased: string;
}

/** What the tranche has paid its recipient so far (every instalment): what a recovery may claim. */
export function releasedAmountOf(tranche: TrancheRow): Money {
  return Money.of(tranche.released_amount, tranche.currency);
}

/** What oversight reads of escrow to judge a scope: does it exist, who are its parties, what lies in it. */
@Injectable()
export class EscrowScopeReader {
  constructor(
    private readonly holds: HoldsRepository,
    private readonly tranches: TranchesRepository,
  ) {}

  /** 404 naming the field when the scope's target does not exist (a recipient must be a recipient organization). */
  async assertExists(db: EntityManager, scope: EscrowScope): Promise<void> {
    if (!(await this.holds.targetExists(db, scope))) {
      const what = { escrow_account: 'escrow account', recipient: 'recipient organization', tranche: 'tranche', country: 'country' }[scope.scope];
      throw new NotFound(`${SCOPE_FIELD[scope.scope]}: ${what}`, scopeTarget(scope));
    }
  }

  /** The escrow account a scope's journal records belong to, when it is exactly one. */
  async escrowAccountOf(db: EntityManager, scope: EscrowScope): Promise<string | undefined> {
    if (scope.scope === 'escrow_account') return scope.escrowAccountId;
    if (scope.scope === 'tranche') return (await this.tranches.find(db, scope.trancheId))?.escrow_account_id;
    return undefined;
  }

  /** Donor organizations and recipients in the scope: nobody judges their own money. */
  parties(db: EntityManager, scope: EscrowScope): Promise<{ donors: string[]; recipients: string[] }> {
    return this.holds.partiesOf(db, scope);
  }

  trancheInScope(db: EntityManager, scope: EscrowScope, trancheId: string): Promise<boolean> {
    return this.holds.trancheInScope(db, scope, trancheId);
  }

  /** Every tranche still holding money, in id order: the population of a random inspection draw. */
  async openTranches(db: EntityManager): Promise<OpenTranche[]> {
    const rows: { id: string; escrow_account_id: string; currency: string; remaining: string }[] = await db.query(
      `SELECT id, escrow_account_id, currency, (amount - released_amount - returned_amount)::text AS remaining
         FROM tranches WHERE status IN ('allocated', 'release_pending') AND amount - released_amount - returned_amount > 0 ORDER BY id`,
    );
    return rows.map((t) => ({
      id: t.id,
      escrowAccountId: t.escrow_account_id,
      currency: t.currency,
      unreleased: Money.of(t.remaining, t.currency).toString(),
    }));
  }
}
