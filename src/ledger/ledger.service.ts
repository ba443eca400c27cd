import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Money } from '../common/money/money';
import { canonicalJson, sha256 } from './canonical-body';
import { LedgerAccountRef } from './ledger-accounts';
import { LedgerEvent, PostedTransaction, PreparedLeg, PreparedTransaction } from './ledger-event';
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

  /**
   * The journal transaction `event` becomes, built and checked but not written: its id, body and
   * content hash, and its legs. `post` writes one; a batch (deposit_batch in the schema) hands
   * several to ledger_post in one statement, each still a journal transaction of its own.
   */
  prepare(event: LedgerEvent): PreparedTransaction {
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
    return {
      id,
      kind: event.kind,
      actorPrincipalId: event.actorPrincipalId ?? null,
      escrowAccountId: event.escrowAccountId ?? null,
      occurredAt,
      body,
      contentHash: sha256(body),
      legs: postings.map((p) => [p.account.code, p.account.kind, p.account.currency, p.amount.toString()]),
    };
  }

  private async write(manager: EntityManager, event: LedgerEvent): Promise<PostedTransaction> {
    const prepared = this.prepare(event);
    const rows: PostRow[] = await manager.query(
      `SELECT out_seq, out_code, out_balance
         FROM ledger_post($1, $2, $3, $4, $5, $6, $7, $8::ledger_posting[])`,
      [
        prepared.id,
        prepared.kind,
        prepared.actorPrincipalId,
        prepared.escrowAccountId,
        prepared.occurredAt,
        prepared.body,
        prepared.contentHash,
        prepared.legs.map(postingLiteral),
      ],
    );
    const balances: Record<string, string> = {};
    for (const row of rows) if (row.out_code !== null) balances[row.out_code] = row.out_balance!;
    return { id: prepared.id, seq: rows[0].out_seq, contentHash: prepared.contentHash.toString('hex'), balances };
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
function postingLiteral(leg: PreparedLeg): string {
  return `(${leg.map((f) => `"${f.replace(/["\\]/g, '\\$&')}"`).join(',')})`;
}
