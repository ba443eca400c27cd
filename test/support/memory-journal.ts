import { Decimal } from '../../src/common/money/money';
import { canonicalJson, sha256 } from '../../src/ledger/canonical-body';
import { GENESIS_HASH } from '../../src/ledger/chain-link';
import { LedgerAccountRef } from '../../src/ledger/ledger-accounts';
import { AccountRow, EntryRow, JournalRows, SealerOrderRow, TransactionRow } from '../../src/ledger/verify/journal-rows';

/**
 * A journal held in arrays, written as LedgerService and the sealer write it and read back in
 * the text PostgreSQL gives the verifier (journal-rows.ts): for unit tests of the verifier
 * without a database. Every field is public, so a test tampers as a superuser would.
 */
export interface MemoryAccount { id: string; code: string; kind: string; currency: string; balance: string }
export interface MemoryTransaction {
  seq: string; xid: string; id: string; kind: string; actor: string | null; escrow: string | null;
  occurredAt: string; body: string; contentHash: string;
}
export interface MemoryEntry { seq: string; position: string; accountId: string; amount: string; currency: string; balanceAfter: string }
export interface MemoryLink { chainIndex: string; seq: string; xid: string; prevHash: string; hash: string }

export interface MemoryPosting { account: LedgerAccountRef; amount: string }

const hex = (bytes: Buffer) => '\\x' + bytes.toString('hex');
const bytes = (bytea: string) => Buffer.from(bytea.slice(2), 'hex');

/** PostgreSQL's text of a timestamptz in UTC, DateStyle ISO: "2026-11-25 16:05:53.12+00". */
export function pgTimestampText(date: Date): string {
  const [day, time] = date.toISOString().slice(0, 23).split('T');
  return `${day} ${time.replace(/\.?0+$/, '')}+00`;
}

/** numeric + numeric as PostgreSQL writes the sum: at the larger of the two scales. */
function numericSum(a: string, b: string): string {
  const scale = (text: string) => (text.split('.')[1] ?? '').length;
  return new Decimal(a).plus(b).toFixed(Math.max(scale(a), scale(b)));
}

export class MemoryJournal {
  accounts: MemoryAccount[] = [];
  transactions: MemoryTransaction[] = [];
  entries: MemoryEntry[] = [];
  chain: MemoryLink[] = [];
  /** Cursor-like streams the verifier stopped before their end. */
  readonly closedEarly: string[] = [];
  private clock = Date.parse('2026-11-25T16:05:53.120Z');

  /** Posts like ledger_post; `xid` is the writer's transaction id (default: in seq order). */
  post(kind: string, postings: MemoryPosting[] = [], options: { xid?: number; details?: object } = {}): MemoryTransaction {
    const seq = String(this.transactions.length + 1);
    const id = `00000000-0000-4000-8000-${seq.padStart(12, '0')}`;
    const date = new Date((this.clock += 1010));
    const body = canonicalJson({
      id,
      kind,
      occurredAt: date.toISOString(),
      actorPrincipalId: null,
      escrowAccountId: null,
      refs: {},
      details: options.details ?? {},
      postings: postings.map((p) => ({ account: p.account.code, currency: p.account.currency, amount: p.amount })),
    });
    const transaction: MemoryTransaction = {
      seq, xid: String(options.xid ?? 1000 + Number(seq)), id, kind, actor: null, escrow: null,
      occurredAt: pgTimestampText(date), body, contentHash: hex(sha256(body)),
    };
    this.transactions.push(transaction);
    postings.forEach((posting, i) => {
      const account = this.account(posting.account);
      account.balance = numericSum(account.balance, posting.amount);
      this.entries.push({ seq, position: String(i + 1), accountId: account.id, amount: posting.amount, currency: account.currency, balanceAfter: account.balance });
    });
    return transaction;
  }

  /** Chains every unsealed transaction in the sealer's order, (xid, seq). */
  seal(): void {
    const sealed = new Set(this.chain.map((link) => link.seq));
    const pending = this.transactions.filter((t) => !sealed.has(t.seq)).sort(bySealerOrder);
    for (const transaction of pending) {
      const prevHash = this.chain.length ? this.chain[this.chain.length - 1].hash : hex(GENESIS_HASH);
      const hash = hex(sha256(bytes(prevHash), bytes(transaction.contentHash)));
      this.chain.push({ chainIndex: String(this.chain.length), seq: transaction.seq, xid: transaction.xid, prevHash, hash });
    }
  }

  transaction(seq: number): MemoryTransaction {
    return this.transactions.find((t) => t.seq === String(seq))!;
  }

  entry(seq: number, position: number): MemoryEntry {
    return this.entries.find((e) => e.seq === String(seq) && e.position === String(position))!;
  }

  link(seq: number): MemoryLink {
    return this.chain.find((l) => l.seq === String(seq))!;
  }

  accountOf(ref: LedgerAccountRef): MemoryAccount {
    return this.accounts.find((a) => a.code === ref.code)!;
  }

  /** A body rewritten, and its hash with it (as a tamperer would to hide the change). */
  rewriteBody(seq: number, rewrite: (body: string) => string): void {
    const transaction = this.transaction(seq);
    transaction.body = rewrite(transaction.body);
    transaction.contentHash = hex(sha256(transaction.body));
  }

  /** The rows as the verifier reads them, in batches of `batchSize`. */
  rows(batchSize = 2): JournalRows {
    const batched = <Row>(name: string, rows: () => Row[]): AsyncIterable<Row[]> => ({
      [Symbol.asyncIterator]: () => this.batches(name, rows(), batchSize),
    });
    const present = (seq: string) => this.transactions.some((t) => t.seq === seq);
    const byIndex = [...this.chain].sort((a, b) => Number(a.chainIndex) - Number(b.chainIndex));
    return {
      accounts: batched('accounts', () =>
        [...this.accounts].sort((a, b) => Number(a.id) - Number(b.id)).map((a): AccountRow => [a.id, a.code, a.kind, a.currency, a.balance]),
      ),
      transactions: batched('transactions', () =>
        [...this.transactions].sort((a, b) => Number(a.seq) - Number(b.seq)).map((t): TransactionRow => [t.seq, t.id, t.kind, t.actor, t.escrow, t.occurredAt, t.body, t.contentHash]),
      ),
      entries: batched('entries', () =>
        [...this.entries]
          .sort((a, b) => Number(a.seq) - Number(b.seq) || Number(a.position) - Number(b.position))
          .map((e): EntryRow => [e.seq, e.position, e.accountId, e.amount, e.currency, e.balanceAfter]),
      ),
      sealerOrder: batched('sealerOrder', () =>
        [...this.transactions].sort(bySealerOrder).map((t): SealerOrderRow => {
          const link = this.chain.find((l) => l.seq === t.seq);
          return [t.seq, t.xid, t.contentHash, link?.chainIndex ?? null, link?.xid ?? null, link?.prevHash ?? null, link?.hash ?? null];
        }),
      ),
      chainSummary: async () => ({ rows: this.chain.length, headHash: byIndex.length ? byIndex[byIndex.length - 1].hash.slice(2) : null }),
      chainIndexHolder: async (index) => {
        const link = this.chain.find((l) => l.chainIndex === String(index));
        return link && { transactionSeq: link.seq, present: present(link.seq) };
      },
      firstOrphanLink: async () => {
        const orphan = byIndex.find((l) => !present(l.seq));
        return orphan && { chainIndex: orphan.chainIndex, transactionSeq: orphan.seq };
      },
    };
  }

  private async *batches<Row>(name: string, rows: Row[], size: number): AsyncGenerator<Row[]> {
    let index = 0;
    try {
      for (; index < rows.length; index += size) yield rows.slice(index, index + size);
    } finally {
      if (index < rows.length) this.closedEarly.push(name);
    }
  }

  private account(ref: LedgerAccountRef): MemoryAccount {
    let account = this.accountOf(ref);
    if (!account) {
      account = { id: String(this.accounts.length + 1), code: ref.code, kind: ref.kind, currency: ref.currency, balance: '0' };
      this.accounts.push(account);
    }
    return account;
  }
}

function bySealerOrder(a: MemoryTransaction, b: MemoryTransaction): number {
  return Number(a.xid) - Number(b.xid) || Number(a.seq) - Number(b.seq);
}
