import { Injectable } from '@nestjs/common';
import { Decimal } from '../../common/money/money';
import type { Snapshot } from '../../database/database';
import { LedgerAccounts } from '../../ledger/ledger-accounts';
import { LedgerService } from '../../ledger/ledger.service';
import { LedgerCrossCheck, LedgerCrossCheckProvider } from '../../ledger/verify/cross-checks';

interface TotalsRow {
  escrow_account_id: string;
  organization_id: string;
  currency: string;
  stored: string | null;
  recomputed: string | null;
}

/**
 * Part of every verification: the running totals per account and donor (escrow_donor_totals,
 * which GET /v1/escrow-accounts/:id and the dashboard read) equal the same figures summed from
 * escrow's own records (deposits, tranches, refunds, repayments), and each donor's unallocated
 * figure equals the balance of its ledger account. So a total that drifted from the money cannot
 * go unnoticed by an auditor's verify.
 */
@Injectable()
@LedgerCrossCheckProvider()
export class RunningTotalsCheck implements LedgerCrossCheck {
  readonly name = 'running totals';

  constructor(private readonly ledger: LedgerService) {}

  async check(snapshot: Snapshot): Promise<string | null> {
    // Each side as one text "deposited/allocated/released/refunded/repaid" (numerics normalized),
    // compared row by row; a row on one side only is a disagreement too.
    const rows = await snapshot.query<TotalsRow>(
      `WITH stored AS (
         SELECT escrow_account_id, organization_id,
                concat_ws('/', trim_scale(deposited), trim_scale(allocated), trim_scale(released), trim_scale(refunded), trim_scale(repaid)) AS figures
           FROM escrow_donor_totals),
       moved AS (
         SELECT escrow_account_id, organization_id, amount AS deposited, 0 AS allocated, 0 AS released, 0 AS refunded, 0 AS repaid FROM deposits
         UNION ALL
         SELECT escrow_account_id, donor_organization_id, 0, amount - released_amount - returned_amount, released_amount, 0, 0 FROM tranches
         UNION ALL
         SELECT escrow_account_id, organization_id, 0, 0, 0, amount, 0 FROM refunds
         UNION ALL
         SELECT escrow_account_id, donor_organization_id, 0, 0, 0, 0, amount FROM repayments),
       recomputed AS (
         SELECT escrow_account_id, organization_id,
                concat_ws('/', trim_scale(sum(deposited)), trim_scale(sum(allocated)), trim_scale(sum(released)), trim_scale(sum(refunded)), trim_scale(sum(repaid))) AS figures
           FROM moved GROUP BY 1, 2)
       SELECT coalesce(s.escrow_account_id, r.escrow_account_id) AS escrow_account_id,
              coalesce(s.organization_id, r.organization_id) AS organization_id,
              a.currency, s.figures AS stored, r.figures AS recomputed
         FROM stored s
         FULL JOIN recomputed r ON r.escrow_account_id = s.escrow_account_id AND r.organization_id = s.organization_id
         JOIN escrow_accounts a ON a.id = coalesce(s.escrow_account_id, r.escrow_account_id)
        ORDER BY 1, 2`,
    );
    const where = (row: TotalsRow) => `escrow account ${row.escrow_account_id}, donor ${row.organization_id}`;
    // A donor that moved nothing yet may have no totals row: all zeros.
    const zeros = '0/0/0/0/0';
    for (const row of rows) {
      if ((row.stored ?? zeros) !== (row.recomputed ?? zeros)) {
        return `${where(row)}: stored deposited/allocated/released/refunded/repaid ${row.stored ?? 'none'}, the records sum to ${row.recomputed ?? 'none'}`;
      }
    }
    const accounts = rows.map((row) => LedgerAccounts.escrowUnallocated(row.escrow_account_id, row.organization_id, row.currency));
    const balances = await this.ledger.balances(snapshot.manager, accounts);
    for (const [i, row] of rows.entries()) {
      const [deposited, allocated, released, refunded, repaid] = (row.stored ?? zeros).split('/');
      const unallocated = new Decimal(deposited).plus(repaid).minus(allocated).minus(released).minus(refunded);
      const held = balances.get(accounts[i].code)!;
      if (!held.amount.equals(unallocated)) {
        return `${where(row)}: unallocated ${unallocated.toFixed()} by the totals, ${held.amount.toFixed()} in ledger account ${accounts[i].code}`;
      }
    }
    return null;
  }
}
