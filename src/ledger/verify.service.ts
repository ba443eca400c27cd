import { Injectable } from '@nestjs/common';
import { Decimal } from '../common/money/money';
import type { PoolClient } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { chainHash, GENESIS_HASH, sha256 } from './canonical-body';
import { cursorBatches } from './cursor';
import { parseStoredBody, storedPosting } from './stored-body';
import { verifySoundJournal } from './verify-fast';

/** How a body writes a posting's amount (Money#toString): anything else is no amount. */
/** REPEATABLE READ READ ONLY on a runner of its own (cursors and the raw client need one). */
async function inReadOnlySnapshot<T>(dataSource: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await work(runner);
    await runner.query('COMMIT');
    return result;
  } catch (error) {
    await runner.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}

const SIGNED_DECIMAL = /^-?\d+(\.\d+)?$/;

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
  id: string;
  kind: string;
  actor_principal_id: string | null;
  escrow_account_id: string | null;
  occurred_at: Date;
  body: string;
  content_hash: Buffer;
  position: number | null;
  code: string | null;
  account_kind: string | null;
  amount: string | null;
  currency: string | null;
  balance_after: string | null;
}

interface ChainRow {
  seq: string;
  xid: string;
  content_hash: Buffer;
  chain_index: string | null;
  chain_xid: string | null;
  prev_hash: Buffer | null;
  hash: Buffer | null;
}

interface Problem {
  seq: number | null;
  problem: string;
}


/** What the entries say about one account: its running balance and where it last changed. */
interface DerivedAccount {
  balance: Decimal;
  currency: string;
  lastSeq: number;
}

/**
 * Re-derives everything an auditor must be able to trust, from the stored rows alone: each
 * content hash from its canonical body, the row's columns and entries against its body, zero
 * sums per currency, every running balance (never negative on a protected account), every chain
 * link, that the chain holds exactly the transactions the sealer must have chained, and the
 * account balances. Reads one consistent snapshot through cursors, so memory stays flat (but
 * for one running balance per account).
 */
@Injectable()
export class VerifyService {
  private running?: Promise<VerificationResult>;
  private next?: Promise<VerificationResult>;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Verifies the whole journal in a read-only snapshot of its own, taken after the call. On a
   * long journal that is seconds of CPU, so this process runs one at a time: calls arriving
   * while one runs share the next run, which starts when it ends (never an older snapshot).
   */
  verify(): Promise<VerificationResult> {
    if (!this.running) return this.start();
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<VerificationResult> {
    const run = inReadOnlySnapshot(this.dataSource, (runner) => this.verifyIn(runner)).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  /**
   * Verifies what `runner`'s open transaction sees (cursors need one). Under READ COMMITTED the
   * reads are not one snapshot: use REPEATABLE READ where writers run meanwhile.
   */
  async verifyIn(runner: QueryRunner): Promise<VerificationResult> {
    // A sound journal is confirmed by the fast path (verify-fast.ts); at any doubt it steps
    // aside and the full check below finds and names the first problem.
    const sound = await verifySoundJournal((await runner.connect()) as PoolClient);
    if (sound) return { ok: true, transactions: sound.transactions, sealed: sound.sealed, headHash: sound.headHash, firstBrokenSeq: null, problem: null };
    const journal = await this.verifyTransactions(runner);
    const chain = await this.verifyChain(runner);
    const accounts = journal.problem ? undefined : await this.verifyAccountBalances(runner, journal.accounts);
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
  }

  /** In seq order: every transaction on its own, and the running balances across them. */
  private async verifyTransactions(runner: QueryRunner) {
    const accounts = new Map<string, DerivedAccount>();
    let count = 0;
    let current: { row: EntryRow; entries: EntryRow[] } | undefined;
    let problem: Problem | undefined;

    const check = () => {
      if (!current) return;
      count++;
      if (problem) return; // counting on: `transactions` is the whole journal either way
      const issue = checkTransaction(current.row, current.entries, accounts);
      if (issue) problem = { seq: Number(current.row.seq), problem: issue };
    };

    const rows = cursorBatches<EntryRow>(
      runner,
      'verify_journal',
      `SELECT t.seq, t.id, t.kind, t.actor_principal_id, t.escrow_account_id, t.occurred_at, t.body, t.content_hash,
              e.position, a.code, a.kind AS account_kind, e.amount::text, e.currency, e.balance_after::text
         FROM journal_transactions t
         LEFT JOIN journal_entries e ON e.transaction_seq = t.seq
         LEFT JOIN ledger_accounts a ON a.id = e.account_id
        ORDER BY t.seq, e.position`,
    );
    for await (const batch of rows) {
      for (const row of batch) {
        if (current?.row.seq !== row.seq) {
          check();
          current = { row, entries: [] };
        }
        if (row.position !== null) current.entries.push(row);
      }
    }
    check();
    return { count, accounts, problem };
  }

  /**
   * In the sealer's order, (xid, seq): the chain must be exactly the transactions in that order
   * up to its head, indexed 0, 1, 2…, each linked to the one before. So a chain row deleted,
   * moved or forged is found at the transaction it should hold. (A deleted head row cannot be
   * told from a transaction not yet sealed: that is what signed checkpoints are for.)
   */
  private async verifyChain(runner: QueryRunner) {
    const [{ rows: chainRows, head }] = await runner.query(
      `SELECT count(*)::text AS rows, (SELECT hash FROM journal_chain ORDER BY chain_index DESC LIMIT 1) AS head
         FROM journal_chain`,
    );
    const storedRows = BigInt(chainRows);
    const headHash = head ? (head as Buffer).toString('hex') : null;
    let linked = 0n;
    let prev: Buffer = GENESIS_HASH;
    let firstUnsealed: string | undefined;
    let problem: Problem | undefined;

    const rows = cursorBatches<ChainRow>(
      runner,
      'verify_chain',
      `SELECT t.seq, t.xid::text AS xid, t.content_hash,
              c.chain_index, c.xid::text AS chain_xid, c.prev_hash, c.hash
         FROM journal_transactions t
         LEFT JOIN journal_chain c ON c.transaction_seq = t.seq
        ORDER BY t.xid, t.seq -- qualified: the xid8 column, not the text alias
      `,
    );
    for await (const batch of rows) {
      for (const row of batch) {
        if (row.chain_index === null) {
          firstUnsealed ??= row.seq;
          continue;
        }
        if (firstUnsealed !== undefined) {
          problem = { seq: Number(firstUnsealed), problem: `transaction ${firstUnsealed} is missing from the chain at index ${linked}` };
          break;
        }
        if (BigInt(row.chain_index) !== linked) {
          problem = await this.misplacedLink(runner, linked, row.seq);
          break;
        }
        const issue =
          row.chain_xid !== row.xid
            ? `chain link ${row.chain_index}: its xid does not match transaction ${row.seq}`
            : !row.prev_hash!.equals(prev)
              ? `chain link ${row.chain_index}: prev_hash does not match the previous hash`
              : !row.hash!.equals(chainHash(prev, row.content_hash))
                ? `chain link ${row.chain_index}: hash does not match SHA-256(prev_hash || content_hash)`
                : undefined;
        if (issue) {
          problem = { seq: Number(row.seq), problem: issue };
          break;
        }
        prev = row.hash!;
        linked++;
      }
      if (problem) break;
    }
    if (!problem && linked !== storedRows) {
      // Chain rows left over: they name transactions that are gone.
      const [orphan] = await runner.query(
        `SELECT c.chain_index, c.transaction_seq FROM journal_chain c
          WHERE NOT EXISTS (SELECT 1 FROM journal_transactions t WHERE t.seq = c.transaction_seq)
          ORDER BY c.chain_index LIMIT 1`,
      );
      problem = orphan
        ? { seq: Number(orphan.transaction_seq), problem: `chain index ${orphan.chain_index} holds transaction ${orphan.transaction_seq}, which is missing` }
        : { seq: null, problem: `the chain has ${storedRows} rows but only ${linked} link stored transactions` };
    }
    return { count: Number(storedRows), headHash, problem };
  }

  /**
   * Transaction `seq` is chained at another index than the `expected` one, which holds some
   * other transaction: moved there, or one whose own row is gone. The lower seq broke first.
   */
  private async misplacedLink(runner: QueryRunner, expected: bigint, seq: string): Promise<Problem> {
    const [held] = await runner.query(
      `SELECT c.transaction_seq, EXISTS (SELECT 1 FROM journal_transactions t WHERE t.seq = c.transaction_seq) AS present
         FROM journal_chain c WHERE c.chain_index = $1`,
      [String(expected)],
    );
    if (!held) return { seq: Number(seq), problem: `chain index ${expected} is missing` };
    const heldSeq = Number(held.transaction_seq);
    return {
      seq: Math.min(heldSeq, Number(seq)),
      problem: held.present
        ? `chain index ${expected} holds transaction ${heldSeq} out of order (transaction ${seq} belongs there)`
        : `chain index ${expected} holds transaction ${heldSeq}, which is missing`,
    };
  }

  /**
   * Each stored balance against its entries. A mismatch is reported at the account's last
   * entry: the journal is sound up to there, the balance it left was changed afterwards.
   */
  private async verifyAccountBalances(runner: QueryRunner, derived: Map<string, DerivedAccount>): Promise<Problem | undefined> {
    for await (const batch of cursorBatches<{ code: string; currency: string; balance: string }>(
      runner,
      'verify_accounts',
      `SELECT code, currency, balance::text FROM ledger_accounts ORDER BY id`,
    )) {
      for (const { code, currency, balance } of batch) {
        const expected = derived.get(code);
        if (!(expected?.balance ?? new Decimal(0)).equals(balance)) {
          return {
            seq: expected?.lastSeq ?? null,
            problem: `account ${code} holds ${balance} but its entries sum to ${(expected?.balance ?? new Decimal(0)).toString()}`,
          };
        }
        if (expected && expected.currency !== currency) {
          return { seq: expected.lastSeq, problem: `account ${code} is in ${currency} but its entries are in ${expected.currency}` };
        }
      }
    }
    return undefined;
  }
}

/** One transaction's checks; returns the problem, or undefined when it is sound. */
function checkTransaction(row: EntryRow, entries: EntryRow[], accounts: Map<string, DerivedAccount>): string | undefined {
  if (!sha256(row.body).equals(row.content_hash)) return 'content hash does not match the stored body';
  const body = parseStoredBody(row.body);
  if (!body) return 'stored body is not a JSON object';
  // The columns the API shows must say what the hashed body says.
  if (
    body.id !== row.id ||
    body.kind !== row.kind ||
    (body.actorPrincipalId ?? null) !== row.actor_principal_id ||
    (body.escrowAccountId ?? null) !== row.escrow_account_id ||
    body.occurredAt !== row.occurred_at.toISOString()
  ) {
    return 'the row\'s id, kind, actor, escrow account or time differ from its body';
  }
  const postings = body.postings ?? [];
  if (!Array.isArray(postings)) return 'body postings are not a list';
  if (postings.length !== entries.length) return `body has ${postings.length} postings but ${entries.length} entries are stored`;

  const seq = Number(row.seq);
  const sums = new Map<string, Decimal>();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const posting = storedPosting(postings[i]);
    const code = entry.code!;
    const amount = new Decimal(entry.amount!);
    if (
      entry.position !== i + 1 ||
      posting?.account !== code ||
      posting.currency !== entry.currency ||
      typeof posting.amount !== 'string' ||
      !SIGNED_DECIMAL.test(posting.amount) ||
      !amount.equals(posting.amount)
    ) {
      return `entry ${entry.position} does not match the body's posting`;
    }
    sums.set(entry.currency!, (sums.get(entry.currency!) ?? new Decimal(0)).plus(amount));
    const account = accounts.get(code);
    if (account && account.currency !== entry.currency) return `entry ${entry.position} is in ${entry.currency} but ${code} holds ${account.currency}`;
    const balance = (account?.balance ?? new Decimal(0)).plus(amount);
    if (!balance.equals(entry.balance_after!)) {
      return `entry ${entry.position}: balance_after ${entry.balance_after} but the running balance of ${code} is ${balance.toString()}`;
    }
    if (balance.lessThan(0) && entry.account_kind !== 'external') return `entry ${entry.position} takes ${code} below zero`;
    accounts.set(code, { balance, currency: entry.currency!, lastSeq: seq });
  }
  for (const [currency, sum] of sums) {
    if (!sum.isZero()) return `entries do not sum to zero in ${currency}`;
  }
  return undefined;
}
