import { hash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { GENESIS_HASH } from './canonical-body';
import { parseStoredBody, storedPosting } from './stored-body';

/**
 * The fast path of VerifyService: the same checks, made for a sound journal and a million
 * transactions. It answers only "all sound" (with the figures the full check reports) or
 * "look closer": any doubt — a check that fails, an amount it cannot read exactly, a row it
 * does not expect — returns undefined, and the full, slower check runs and names the problem.
 * So it must never pass what the full check refuses; it may refuse what the full check passes.
 *
 * What makes it fast (profiled on 1M transactions): rows come as arrays of raw strings (no Date,
 * Buffer or object per row); transactions and their entries come from two cursors merged here
 * (the join sent each body once per entry); accounts are read once up front and entries carry
 * only the account id; amounts are exact scaled integers (BigInt) instead of Decimal objects;
 * hashes are compared as hex text; and the chain is read in its own order from its primary key.
 */

const BATCH = 2000;
/** Amounts are compared as integers of 10^-SCALE units; an amount with more digits is a doubt. */
const SCALE = 6;
const AMOUNT = /^-?\d{1,30}(\.\d{1,6})?$/;

/** Raw text for every column: the checks below read the strings themselves. */
const RAW = { getTypeParser: () => (value: string) => value };

interface Account {
  code: string;
  kind: string;
  currency: string;
  stored: bigint;
  /** The running balance from the entries, and the currency they are in (null: no entry yet). */
  balance: bigint;
  entryCurrency: string | null;
}

export interface FastVerification {
  transactions: number;
  sealed: number;
  headHash: string | null;
}

function scaled(text: unknown): bigint | undefined {
  if (typeof text !== 'string' || !AMOUNT.test(text)) return undefined;
  const dot = text.indexOf('.');
  if (dot === -1) return BigInt(text) * 1_000_000n;
  const fraction = text.slice(dot + 1);
  const digits = text.slice(0, dot) + fraction + '0'.repeat(SCALE - fraction.length);
  return BigInt(digits);
}

/** PostgreSQL's text of a timestamptz in UTC ("2026-11-25 16:05:53.12+00") for a body's ISO time. */
function pgTimestamp(iso: unknown): string | undefined {
  if (typeof iso !== 'string' || iso.length !== 24 || iso[10] !== 'T' || iso[23] !== 'Z' || iso[19] !== '.') return undefined;
  const millis = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${millis ? '.' + millis : ''}+00`;
}

/** a < b for the decimal text of two non-negative integers (no leading zeros). */
function before(a: string, b: string): boolean {
  return a.length < b.length || (a.length === b.length && a < b);
}

/**
 * A server-side cursor read in batches, the next batch always asked for before the current one
 * is checked: PostgreSQL produces rows while this process checks the previous ones.
 */
class Cursor {
  private rows: string[][] = [];
  private index = 0;
  private pending?: Promise<string[][]>;
  private done = false;

  private constructor(
    private readonly client: PoolClient,
    private readonly name: string,
  ) {}

  static async open(client: PoolClient, name: string, sql: string): Promise<Cursor> {
    await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`);
    const cursor = new Cursor(client, name);
    cursor.pending = cursor.fetch();
    return cursor;
  }

  private async fetch(): Promise<string[][]> {
    const result = await this.client.query({ text: `FETCH ${BATCH} FROM ${this.name}`, rowMode: 'array', types: RAW });
    return result.rows as string[][];
  }

  /** The next row, or undefined at the end. */
  async next(): Promise<string[] | undefined> {
    if (this.index < this.rows.length) return this.rows[this.index++];
    if (this.done || !this.pending) return undefined;
    this.rows = await this.pending;
    this.index = 0;
    this.done = this.rows.length < BATCH;
    this.pending = this.done ? undefined : this.fetch();
    return this.rows.length > 0 ? this.rows[this.index++] : undefined;
  }

  async close(): Promise<void> {
    await this.pending?.catch(() => undefined);
    await this.client.query(`CLOSE ${this.name}`).catch(() => undefined);
  }
}

/**
 * Runs inside the caller's transaction on `client` (REPEATABLE READ: one snapshot). Sets the
 * time zone to UTC and bytea output to hex for that transaction only (SET LOCAL), so timestamps
 * and hashes read as the bodies and the checks write them.
 */
export async function verifySoundJournal(client: PoolClient): Promise<FastVerification | undefined> {
  await client.query(`SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO'; SET LOCAL bytea_output = 'hex'`);
  const accounts = await readAccounts(client);
  if (!accounts) return undefined;
  const journal = await checkTransactions(client, accounts);
  if (journal === undefined) return undefined;
  for (const account of accounts.values()) {
    if (account.balance !== account.stored) return undefined;
    if (account.entryCurrency !== null && account.entryCurrency !== account.currency) return undefined;
  }
  const chain = await checkChain(client);
  if (!chain) return undefined;
  return { transactions: journal, sealed: chain.sealed, headHash: chain.headHash };
}

async function readAccounts(client: PoolClient): Promise<Map<string, Account> | undefined> {
  const accounts = new Map<string, Account>();
  const cursor = await Cursor.open(client, 'verify_fast_accounts', `SELECT id, code, kind, currency, balance FROM ledger_accounts`);
  try {
    for (let row = await cursor.next(); row; row = await cursor.next()) {
      const stored = scaled(row[4]);
      if (stored === undefined) return undefined;
      accounts.set(row[0], { code: row[1], kind: row[2], currency: row[3], stored, balance: 0n, entryCurrency: null });
    }
  } finally {
    await cursor.close();
  }
  return accounts;
}

/** Every transaction in seq order against its entries; the count, or undefined on any doubt. */
async function checkTransactions(client: PoolClient, accounts: Map<string, Account>): Promise<number | undefined> {
  const transactions = await Cursor.open(
    client,
    'verify_fast_transactions',
    `SELECT seq, id, kind, actor_principal_id, escrow_account_id, occurred_at, body, content_hash
       FROM journal_transactions ORDER BY seq`,
  );
  const entries = await Cursor.open(
    client,
    'verify_fast_entries',
    `SELECT transaction_seq, position, account_id, amount, currency, balance_after
       FROM journal_entries ORDER BY transaction_seq, position`,
  );
  try {
    let count = 0;
    let entry = await entries.next();
    const sums = new Map<string, bigint>();
    for (let tx = await transactions.next(); tx; tx = await transactions.next()) {
      count++;
      const [seq, id, kind, actor, escrow, occurredAt, text, contentHash] = tx;
      if (contentHash !== '\\x' + hash('sha256', text, 'hex')) return undefined;
      const body = parseStoredBody(text);
      if (
        !body ||
        body.id !== id || body.kind !== kind ||
        (body.actorPrincipalId ?? null) !== actor || (body.escrowAccountId ?? null) !== escrow ||
        pgTimestamp(body.occurredAt) !== occurredAt
      ) {
        return undefined;
      }
      const postings = body.postings ?? [];
      if (!Array.isArray(postings)) return undefined;
      sums.clear();
      let position = 0;
      // Entries are ordered like the transactions; any entry of an earlier seq is an orphan.
      while (entry && entry[0] === seq) {
        const posting = storedPosting(postings[position]);
        position++;
        const [, entryPosition, accountId, amountText, currency, balanceAfterText] = entry;
        const account = accounts.get(accountId);
        if (!posting || !account || Number(entryPosition) !== position) return undefined;
        if (posting.account !== account.code || posting.currency !== currency) return undefined;
        const amount = scaled(amountText);
        const balanceAfter = scaled(balanceAfterText);
        if (amount === undefined || balanceAfter === undefined || scaled(posting.amount) !== amount) return undefined;
        sums.set(currency, (sums.get(currency) ?? 0n) + amount);
        if (account.entryCurrency !== null && account.entryCurrency !== currency) return undefined;
        account.entryCurrency = currency;
        account.balance += amount;
        if (account.balance !== balanceAfter) return undefined;
        if (account.balance < 0n && account.kind !== 'external') return undefined;
        entry = await entries.next();
      }
      if (entry && before(entry[0], seq)) return undefined; // an entry without its transaction
      if (position !== postings.length) return undefined;
      for (const sum of sums.values()) if (sum !== 0n) return undefined;
    }
    if (entry) return undefined; // entries after the last transaction
    return count;
  } finally {
    await entries.close();
    await transactions.close();
  }
}

/**
 * The chain in its own order (its primary key): indexes 0, 1, 2… with no gap, each link's xid
 * its transaction's, each hash SHA-256(prev_hash ‖ content_hash) and each prev_hash the hash
 * before, the transactions strictly rising in (xid, seq) — the sealer's order — and none missing
 * below the head: exactly the first `sealed` transactions in that order, as the full check demands.
 */
async function checkChain(client: PoolClient): Promise<{ sealed: number; headHash: string | null } | undefined> {
  const cursor = await Cursor.open(
    client,
    'verify_fast_chain',
    `SELECT c.chain_index, c.xid, t.xid, t.seq, t.content_hash, c.prev_hash, c.hash
       FROM journal_chain c JOIN journal_transactions t ON t.seq = c.transaction_seq
      ORDER BY c.chain_index`,
  );
  let linked = 0;
  // prev_hash ‖ content_hash, rewritten in place for each link (no allocation per row).
  const link = Buffer.alloc(64);
  GENESIS_HASH.copy(link, 0);
  let prevHex = '\\x' + GENESIS_HASH.toString('hex');
  let lastXid = '';
  let lastSeq = '';
  try {
    for (let row = await cursor.next(); row; row = await cursor.next()) {
      const [index, chainXid, xid, seq, contentHash, prevHash, linkHash] = row;
      if (Number(index) !== linked || chainXid !== xid || prevHash !== prevHex) return undefined;
      if (linked > 0 && !(before(lastXid, xid) || (lastXid === xid && before(lastSeq, seq)))) return undefined;
      if (link.write(contentHash.slice(2), 32, 'hex') !== 32) return undefined;
      const computed = hash('sha256', link, 'hex');
      if (linkHash !== '\\x' + computed) return undefined;
      link.write(computed, 0, 'hex');
      prevHex = linkHash;
      lastXid = xid;
      lastSeq = seq;
      linked++;
    }
  } finally {
    await cursor.close();
  }
  const [{ rows, below }] = (
    await client.query(
      `SELECT (SELECT count(*) FROM journal_chain)::int AS rows,
              (SELECT count(*) FROM journal_transactions WHERE (xid, seq) <= ($1::xid8, $2::bigint))::int AS below`,
      [linked > 0 ? lastXid : '0', linked > 0 ? lastSeq : '-1'],
    )
  ).rows;
  if (rows !== linked || below !== linked) return undefined;
  return { sealed: linked, headHash: linked > 0 ? prevHex.slice(2) : null };
}
