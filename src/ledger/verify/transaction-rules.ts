import { hash } from 'node:crypto';
import { parseStoredBody, storedPosting } from '../stored-body';
import { BatchReader } from './batch-reader';
import { equal, ExactDecimal, exactText, parseExact, plus, ZERO } from './exact-decimal';
import { AccountRow, EntryRow, isHexOf, Problem, TransactionRow } from './journal-rows';
import { StatementRules } from './statement-rules';

/**
 * The rules on transactions, their entries and the accounts (listed in journal-verifier.ts).
 * Each transaction is checked as it comes, in seq order; the first one broken is named.
 */

/** An account as stored, and what its entries so far say about it. */
export interface Account {
  readonly code: string;
  readonly kind: string;
  readonly currency: string;
  readonly storedBalance: string;
  /** The running balance, the currency the entries are in (null: none yet) and the last one's seq. */
  balance: ExactDecimal;
  entryCurrency: string | null;
  lastSeq: number | null;
}

/** Every account by id, in id order (one running balance each: all the memory that grows). */
export async function readAccounts(rows: AsyncIterable<AccountRow[]>): Promise<Map<string, Account>> {
  const accounts = new Map<string, Account>();
  for await (const batch of rows) {
    for (const [id, code, kind, currency, storedBalance] of batch) {
      accounts.set(id, { code, kind, currency, storedBalance, balance: ZERO, entryCurrency: null, lastSeq: null });
    }
  }
  return accounts;
}

/**
 * All transactions in seq order, each with its entries (merged from their own stream, in
 * (transaction_seq, position) order): how many there are, and the first problem. After it,
 * transactions are only counted, as `transactions` is the whole journal either way.
 */
export async function walkTransactions(
  transactions: AsyncIterable<TransactionRow[]>,
  entryRows: AsyncIterable<EntryRow[]>,
  accounts: Map<string, Account>,
): Promise<{ count: number; problem?: Problem }> {
  const entries = BatchReader.of(entryRows);
  const own: EntryRow[] = [];
  const sums = new Map<string, ExactDecimal>();
  const statements = new StatementRules();
  let count = 0;
  let problem: Problem | undefined;
  try {
    for await (const batch of transactions) {
      for (const transaction of batch) {
        count++;
        if (problem) continue;
        const seq = transaction[0];
        let entry = entries.peek() ?? (await entries.next());
        if (entry && seqBefore(entry[0], seq)) {
          problem = orphanEntries(entry[0]); // entries between two stored transactions
        } else {
          own.length = 0;
          for (; entry && entry[0] === seq; entry = entries.peek() ?? (await entries.next())) {
            own.push(entry);
            entries.take();
          }
          const issue = checkTransaction(transaction, own, accounts, sums, statements);
          if (issue) problem = { seq: Number(seq), problem: issue };
        }
        if (problem) await entries.close(); // nothing more to read from them
      }
    }
    const left = problem ? undefined : await entries.next();
    if (left) problem = orphanEntries(left[0]); // entries after the last transaction
    return { count, problem };
  } finally {
    await entries.close();
  }
}

function orphanEntries(seq: string): Problem {
  return { seq: Number(seq), problem: `entries of transaction ${seq} are stored but the transaction is missing` };
}

/** One transaction's rules, in the order they are named; the problem, or undefined when sound. */
function checkTransaction(
  transaction: TransactionRow,
  entries: EntryRow[],
  accounts: Map<string, Account>,
  sums: Map<string, ExactDecimal>,
  statements: StatementRules,
): string | undefined {
  const [seq, id, kind, actor, escrow, occurredAt, text, contentHash] = transaction;
  if (!isHexOf(contentHash, hash('sha256', text, 'hex'))) return 'content hash does not match the stored body';
  const body = parseStoredBody(text);
  if (!body) return 'stored body is not a JSON object';
  // The columns the API shows must say what the hashed body says.
  if (
    body.id !== id ||
    body.kind !== kind ||
    (body.actorPrincipalId ?? null) !== actor ||
    (body.escrowAccountId ?? null) !== escrow ||
    pgTimestamp(body.occurredAt) !== occurredAt
  ) {
    return "the row's id, kind, actor, escrow account or time differ from its body";
  }
  const postings = body.postings ?? [];
  if (!Array.isArray(postings)) return 'body postings are not a list';
  if (postings.length !== entries.length) return `body has ${postings.length} postings but ${entries.length} entries are stored`;

  const lastSeq = Number(seq);
  sums.clear();
  for (let i = 0; i < entries.length; i++) {
    const [, position, accountId, amountText, currency, balanceAfterText] = entries[i];
    const posting = storedPosting(postings[i]);
    const account = accounts.get(accountId);
    const amount = parseExact(amountText);
    if (
      Number(position) !== i + 1 ||
      !account ||
      posting?.account !== account.code ||
      posting.currency !== currency ||
      amount === undefined ||
      !(posting.amount === amountText || equalAmounts(parseExact(posting.amount), amount))
    ) {
      return `entry ${position} does not match the body's posting`;
    }
    const sum = sums.get(currency);
    sums.set(currency, sum ? plus(sum, amount) : amount);
    if (account.entryCurrency !== null && account.entryCurrency !== currency) {
      return `entry ${position} is in ${currency} but ${account.code} holds ${account.entryCurrency}`;
    }
    const balance = plus(account.balance, amount);
    if (!equalAmounts(parseExact(balanceAfterText), balance)) {
      return `entry ${position}: balance_after ${balanceAfterText} but the running balance of ${account.code} is ${exactText(balance)}`;
    }
    if (balance.units < 0n && account.kind !== 'external') return `entry ${position} takes ${account.code} below zero`;
    account.balance = balance;
    account.entryCurrency = currency;
    account.lastSeq = lastSeq;
  }
  for (const [currency, sum] of sums) {
    if (sum.units !== 0n) return `entries do not sum to zero in ${currency}`;
  }
  return statements.check(kind, actor, body);
}

/**
 * Each stored balance against its entries, in id order. A mismatch is reported at the account's
 * last entry: the journal is sound up to there, the balance it left was changed afterwards.
 */
export function checkAccountBalances(accounts: Map<string, Account>): Problem | undefined {
  for (const { code, currency, storedBalance, balance, entryCurrency, lastSeq } of accounts.values()) {
    if (!equalAmounts(parseExact(storedBalance), balance)) {
      return { seq: lastSeq, problem: `account ${code} holds ${storedBalance} but its entries sum to ${exactText(balance)}` };
    }
    if (entryCurrency !== null && entryCurrency !== currency) {
      return { seq: lastSeq, problem: `account ${code} is in ${currency} but its entries are in ${entryCurrency}` };
    }
  }
  return undefined;
}

function equalAmounts(a: ExactDecimal | undefined, b: ExactDecimal): boolean {
  return a !== undefined && equal(a, b);
}

/** PostgreSQL's text of a timestamptz in UTC ("2026-11-25 16:05:53.12+00") for a body's ISO time. */
function pgTimestamp(iso: unknown): string | undefined {
  if (typeof iso !== 'string' || iso.length !== 24 || iso[10] !== 'T' || iso[19] !== '.' || iso[23] !== 'Z') return undefined;
  const millis = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${millis ? '.' + millis : ''}+00`;
}

/** a < b for two seqs (bigint text). */
function seqBefore(a: string, b: string): boolean {
  if (a[0] !== '-' && b[0] !== '-') return a.length < b.length || (a.length === b.length && a < b);
  return BigInt(a) < BigInt(b);
}
