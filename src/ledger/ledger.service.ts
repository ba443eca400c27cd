import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Money } from '../common/money/money';
import { canonicalJson, sha256 } from './canonical-body';
import { LedgerAccountRef } from './ledger-accounts';
import { LedgerEvent, PostedTransaction } from './ledger-event';
import { translateLedgerError } from './ledger-errors';
import { assertValidPostings } from './posting-rules';

interface PostRow {
  out_seq: string;
  out_code: string | null;
  out_balance: string | null;
}

/**
 * The only writer of the journal. `post` runs inside the caller's transaction, so a state
 * change and its journal record commit together; it costs one round trip (the `ledger_post`
 * function locks the accounts in id order, checks funds, and writes transaction, entries
 * and balances).
 */
@Injectable()
export class LedgerService {
  /** Records `event` in the caller's transaction; the ledger's refusals come back as LedgerError. */
  async post(manager: EntityManager, event: LedgerEvent): Promise<PostedTransaction> {
    return this.write(manager, event).catch((error: unknown) => {
      throw translateLedgerError(error) ?? error;
    });
  }

  private async write(manager: EntityManager, event: LedgerEvent): Promise<PostedTransaction> {
    const postings = event.postings ?? [];
    assertValidPostings(postings);
    const id = randomUUID();
    const occurredAt = new Date().toISOString();
    const body = canonicalJson({
      id,
      kind: event.kind,
      occurredAt,
      actorPrincipalId: event.actorPrincipalId ?? null,
      escrowAccountId: event.escrowAccountId ?? null,
      refs: event.refs ?? {},
      details: event.details ?? {},
      postings: postings.map((p) => ({ account: p.account.code, currency: p.amount.currency, amount: p.amount.toString() })),
    });
    const contentHash = sha256(body);
    const rows: PostRow[] = await manager.query(
      `SELECT out_seq, out_code, out_balance
         FROM ledger_post($1, $2, $3, $4, $5, $6, $7, $8::ledger_posting[])`,
      [
        id,
        event.kind,
        event.actorPrincipalId ?? null,
        event.escrowAccountId ?? null,
        occurredAt,
        body,
        contentHash,
        postings.map((p) => postingLiteral(p.account, p.amount.toString())),
      ],
    );
    const balances: Record<string, string> = {};
    for (const row of rows) if (row.out_code !== null) balances[row.out_code] = row.out_balance!;
    return { id, seq: rows[0].out_seq, contentHash: contentHash.toString('hex'), balances };
  }

  /** Current balances of these accounts (zero for one never posted to), read in `manager`'s transaction. */
  async balances(manager: EntityManager, accounts: readonly LedgerAccountRef[]): Promise<Map<string, Money>> {
    const rows: { code: string; balance: string }[] = await manager.query(
      `SELECT code, balance::text AS balance FROM ledger_accounts WHERE code = ANY ($1)`,
      [accounts.map((a) => a.code)],
    );
    const found = new Map(rows.map((r) => [r.code, r.balance]));
    return new Map(accounts.map((a) => [a.code, Money.of(found.get(a.code) ?? 0, a.currency)]));
  }
}

/**
 * One leg as a `ledger_posting` literal, ("code","kind","USD","-10.00"): every field quoted, a
 * double quote or backslash in it escaped. pg then quotes each literal as an array element.
 */
function postingLiteral(account: LedgerAccountRef, amount: string): string {
  const fields = [account.code, account.kind, account.currency, amount];
  return `(${fields.map((f) => `"${f.replace(/["\\]/g, '\\$&')}"`).join(',')})`;
}
