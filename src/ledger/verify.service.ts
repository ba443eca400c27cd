import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { DataSource, QueryRunner } from 'typeorm';
import { chainHash, GENESIS_HASH, sha256 } from './canonical-body';
import { cursorBatches } from './cursor';

export interface VerificationResult {
  ok: boolean;
  transactions: number;
  sealed: number;
  headHash: string | null;
  firstBrokenSeq: number | null;
  problem: string | null;
}

interface EntryRow {
  seq: string;
  body: string;
  content_hash: Buffer;
  position: number | null;
  code: string | null;
  amount: string | null;
  currency: string | null;
  balance_after: string | null;
}

interface ChainRow {
  chain_index: string;
  transaction_seq: string;
  prev_hash: Buffer;
  hash: Buffer;
  content_hash: Buffer;
}

interface Problem {
  seq: number | null;
  problem: string;
}

interface BodyPosting {
  account: string;
  currency: string;
  amount: string;
}

/**
 * Re-derives everything an auditor must be able to trust, from the stored rows alone: each
 * content hash from its canonical body, each body's postings against its entries, zero sums
 * per currency, every running balance, every chain link, and the account balances. Reads one
 * consistent snapshot through cursors, so memory stays flat.
 */
@Injectable()
export class VerifyService {
  constructor(private readonly dataSource: DataSource) {}

  async verify(): Promise<VerificationResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const journal = await this.verifyTransactions(runner);
      const chain = await this.verifyChain(runner);
      const accounts = journal.problem ? undefined : await this.verifyAccountBalances(runner, journal.balances);
      await runner.query('COMMIT');

      const problems = [journal.problem, chain.problem, accounts].filter((p): p is Problem => p !== undefined);
      const first = problems.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity))[0];
      return {
        ok: !first,
        transactions: journal.count,
        sealed: chain.count,
        headHash: chain.headHash,
        firstBrokenSeq: first?.seq ?? null,
        problem: first?.problem ?? null,
      };
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async verifyTransactions(runner: QueryRunner) {
    const balances = new Map<string, Decimal>();
    let count = 0;
    let current: { seq: string; body: string; contentHash: Buffer; entries: EntryRow[] } | undefined;
    let problem: Problem | undefined;

    const check = () => {
      if (!current) return;
      count++;
      const issue = checkTransaction(current.body, current.contentHash, current.entries, balances);
      if (issue) problem = { seq: Number(current.seq), problem: issue };
    };

    const rows = cursorBatches<EntryRow>(
      runner,
      'verify_journal',
      `SELECT t.seq, t.body, t.content_hash, e.position, a.code, e.amount::text, e.currency, e.balance_after::text
         FROM journal_transactions t
         LEFT JOIN journal_entries e ON e.transaction_seq = t.seq
         LEFT JOIN ledger_accounts a ON a.id = e.account_id
        ORDER BY t.seq, e.position`,
    );
    for await (const batch of rows) {
      for (const row of batch) {
        if (current?.seq !== row.seq) {
          check();
          if (problem) break;
          current = { seq: row.seq, body: row.body, contentHash: row.content_hash, entries: [] };
        }
        if (row.position !== null) current.entries.push(row);
      }
      if (problem) break;
    }
    if (!problem) check();
    return { count, balances, problem };
  }

  private async verifyChain(runner: QueryRunner) {
    let expectedIndex = 0n;
    let prev: Buffer = GENESIS_HASH;
    let problem: Problem | undefined;
    const rows = cursorBatches<ChainRow>(
      runner,
      'verify_chain',
      `SELECT c.chain_index, c.transaction_seq, c.prev_hash, c.hash, t.content_hash
         FROM journal_chain c JOIN journal_transactions t ON t.seq = c.transaction_seq
        ORDER BY c.chain_index`,
    );
    for await (const batch of rows) {
      for (const row of batch) {
        const issue =
          BigInt(row.chain_index) !== expectedIndex
            ? `chain index ${expectedIndex} is missing`
            : !row.prev_hash.equals(prev)
              ? `chain link ${row.chain_index}: prev_hash does not match the previous hash`
              : !row.hash.equals(chainHash(prev, row.content_hash))
                ? `chain link ${row.chain_index}: hash does not match SHA-256(prev_hash || content_hash)`
                : undefined;
        if (issue) {
          problem = { seq: Number(row.transaction_seq), problem: issue };
          break;
        }
        prev = row.hash;
        expectedIndex++;
      }
      if (problem) break;
    }
    return { count: Number(expectedIndex), headHash: expectedIndex > 0n ? prev.toString('hex') : null, problem };
  }

  private async verifyAccountBalances(runner: QueryRunner, derived: Map<string, Decimal>): Promise<Problem | undefined> {
    for await (const batch of cursorBatches<{ code: string; balance: string }>(
      runner,
      'verify_accounts',
      `SELECT code, balance::text FROM ledger_accounts ORDER BY id`,
    )) {
      for (const { code, balance } of batch) {
        const expected = derived.get(code) ?? new Decimal(0);
        if (!expected.equals(balance)) {
          return { seq: null, problem: `account ${code} holds ${balance} but its entries sum to ${expected.toString()}` };
        }
      }
    }
    return undefined;
  }
}

/** One transaction's checks; returns the problem, or undefined when it is sound. */
function checkTransaction(body: string, contentHash: Buffer, entries: EntryRow[], balances: Map<string, Decimal>): string | undefined {
  if (!sha256(body).equals(contentHash)) return 'content hash does not match the stored body';
  let postings: BodyPosting[];
  try {
    postings = (JSON.parse(body) as { postings?: BodyPosting[] }).postings ?? [];
  } catch {
    return 'stored body is not JSON';
  }
  if (postings.length !== entries.length) return `body has ${postings.length} postings but ${entries.length} entries are stored`;

  const sums = new Map<string, Decimal>();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const posting = postings[i];
    const amount = new Decimal(entry.amount!);
    if (posting.account !== entry.code || posting.currency !== entry.currency || !amount.equals(posting.amount)) {
      return `entry ${entry.position} does not match the body's posting`;
    }
    sums.set(entry.currency!, (sums.get(entry.currency!) ?? new Decimal(0)).plus(amount));
    const balance = (balances.get(entry.code!) ?? new Decimal(0)).plus(amount);
    if (!balance.equals(entry.balance_after!)) {
      return `entry ${entry.position}: balance_after ${entry.balance_after} but the running balance of ${entry.code} is ${balance.toString()}`;
    }
    balances.set(entry.code!, balance);
  }
  for (const [currency, sum] of sums) {
    if (!sum.isZero()) return `entries do not sum to zero in ${currency}`;
  }
  return undefined;
}
