import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Money } from '../src/common/money/money';
import { canonicalJson, sha256 } from '../src/ledger/canonical-body';
import { LedgerAccountRef, LedgerAccounts } from '../src/ledger/ledger-accounts';
import { JournalKind, Posting, transfer } from '../src/ledger/ledger-event';
import { assertValidPostings } from '../src/ledger/posting-rules';

/**
 * Fills the journal to `target` transactions fast, with the rows the ledger itself would write.
 *
 * Why not `ledger_post` per transaction: it runs about eight statements per posting (checks,
 * account upsert, locks, inserts, the balance update) and reaches about 1,600 postings/s here
 * even batched in one statement, so a million would take ten minutes. Instead each transaction
 * is built as LedgerService.post builds it (the same canonical body via canonicalJson, its
 * SHA-256, postings checked by assertValidPostings), running balances are computed here exactly
 * (integer cents, an overdraft of a non-external account refused as ledger_post refuses it),
 * and a batch is written set-wise: the transactions in order (so seq order is posting order),
 * their entries with balance_after, and each touched account's final balance and version. Each
 * worker owns its accounts (its own escrow, donor and recipient ids), so its running balances
 * are the truth. `verify` re-derives all of it at the end of the bench and must find it sound;
 * the sealer chains these rows like any other.
 *
 * The mix, per ten transactions of one worker: five deposits, one allocation, one release
 * (donor → escrow → tranche → recipient) and three events without postings (benchmark added,
 * sign-off, release requested), as an escrow's life produces them.
 */
export async function seedJournal(url: string, target: number, workers: number, log: (m: string) => void): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows: [{ n }] } = await client.query('SELECT count(*)::int AS n FROM journal_transactions');
  await client.end();
  const missing = Math.max(0, target - n);
  if (missing === 0) return 0;
  const started = Date.now();
  let done = 0;
  let reported = 0;
  const share = Math.ceil(missing / workers);
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      const count = Math.min(share, missing - w * share);
      if (count <= 0) return;
      const worker = new Client({ connectionString: url });
      await worker.connect();
      try {
        const stream = journalStream(count);
        const accounts = new Map<string, AccountState>();
        for (;;) {
          const batch = take(stream, 5000);
          if (batch.length === 0) break;
          await writeBatch(worker, batch, accounts);
          done += batch.length;
          if (done - reported >= 100_000) {
            reported = done;
            log(`  journal: ${n + done} of ${target} (${Math.round(done / ((Date.now() - started) / 1000))}/s)`);
          }
        }
      } finally {
        await worker.end();
      }
    }),
  );
  return missing;
}

interface AccountState {
  ref: LedgerAccountRef;
  cents: bigint;
  version: number;
}

interface Built {
  id: string;
  kind: JournalKind;
  actor: string;
  escrow: string;
  occurredAt: string;
  body: string;
  contentHash: Buffer;
  postings: Posting[];
}

function build(kind: JournalKind, actor: string, escrow: string, refs: Record<string, string>, details: Record<string, string | number | null>, postings: Posting[]): Built {
  assertValidPostings(postings);
  const id = randomUUID();
  const occurredAt = new Date().toISOString();
  // The body LedgerService.post writes, field for field.
  const body = canonicalJson({
    id,
    kind,
    occurredAt,
    actorPrincipalId: actor,
    escrowAccountId: escrow,
    refs,
    details,
    postings: postings.map((p) => ({ account: p.account.code, currency: p.amount.currency, amount: p.amount.toString() })),
  });
  return { id, kind, actor, escrow, occurredAt, body, contentHash: sha256(body), postings };
}

function* journalStream(count: number): Generator<Built> {
  const usd = (amount: string) => Money.of(amount, 'USD');
  // Per worker: 20 escrow accounts, 50 donors, 40 recipients, all new ids (disjoint accounts).
  const escrows = Array.from({ length: 20 }, () => randomUUID());
  const donors = Array.from({ length: 50 }, () => randomUUID());
  const recipients = Array.from({ length: 40 }, () => randomUUID());
  const admin = randomUUID();
  const monitor = randomUUID();
  let emitted = 0;
  for (let group = 0; emitted < count; group++) {
    const escrow = escrows[group % escrows.length];
    const donor = donors[group % donors.length];
    const donorPrincipal = donor; // a stand-in principal id per donor organization
    const recipient = recipients[group % recipients.length];
    const unallocated = LedgerAccounts.escrowUnallocated(escrow, donor, 'USD');
    const trancheId = randomUUID();
    const tranche: LedgerAccountRef = LedgerAccounts.tranche(escrow, trancheId, 'USD');
    const benchmarkId = randomUUID();
    const requestId = randomUUID();
    const group10: Built[] = [];
    for (let i = 0; i < 5; i++) {
      group10.push(build('deposit', donorPrincipal, escrow, { depositId: randomUUID(), donorOrganizationId: donor }, { reference: `wire ${group}-${i}` },
        transfer(LedgerAccounts.donorSource(donor, 'USD'), unallocated, usd('1000.00'))));
    }
    group10.push(build('tranche_allocated', donorPrincipal, escrow, { trancheId, donorOrganizationId: donor, recipientOrganizationId: recipient },
      { category: 'utilities', phase: 1 }, transfer(unallocated, tranche, usd('2500.50'))));
    group10.push(build('benchmark_added', admin, escrow, { trancheId, benchmarkId }, { benchmarkKind: 'humanitarian_access', description: 'access confirmed', requiredApprovals: 1 }, []));
    group10.push(build('benchmark_signoff', monitor, escrow, { trancheId, benchmarkId, monitorOrganizationId: monitor }, { decision: 'approve', evidence: 'site visit', comment: null }, []));
    group10.push(build('release_requested', admin, escrow, { trancheId, releaseRequestId: requestId }, { amount: '2500.50', currency: 'USD' }, []));
    group10.push(build('release_approved', admin, escrow, { trancheId, releaseRequestId: requestId, recipientOrganizationId: recipient, requestedBy: admin }, {},
      transfer(tranche, LedgerAccounts.recipient(recipient, 'USD'), usd('2500.50'))));
    for (const built of group10) {
      if (emitted++ >= count) return;
      yield built;
    }
  }
}

function take<T>(iterator: Iterator<T>, n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const next = iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const text = `${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

function toCents(amount: string): bigint {
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return amount.startsWith('-') ? -cents : cents;
}

/**
 * One database transaction per batch: new accounts, the journal rows in posting order, their
 * entries with the running balances computed above, then each touched account's balance and
 * version (what ledger_post's UPDATE leaves behind).
 */
async function writeBatch(client: Client, batch: Built[], accounts: Map<string, AccountState>): Promise<void> {
  const entries = { txId: [] as string[], position: [] as number[], code: [] as string[], amount: [] as string[], balanceAfter: [] as string[] };
  const created: AccountState[] = [];
  const touched = new Set<AccountState>();
  for (const built of batch) {
    built.postings.forEach((posting, i) => {
      let account = accounts.get(posting.account.code);
      if (!account) {
        account = { ref: posting.account, cents: 0n, version: 0 };
        accounts.set(posting.account.code, account);
        created.push(account);
      }
      const amount = posting.amount.toString();
      account.cents += toCents(amount);
      account.version++;
      if (account.ref.kind !== 'external' && account.cents < 0n) throw new Error(`seed would overdraw ${account.ref.code}`);
      touched.add(account);
      entries.txId.push(built.id);
      entries.position.push(i + 1);
      entries.code.push(posting.account.code);
      entries.amount.push(amount);
      entries.balanceAfter.push(formatCents(account.cents));
    });
  }
  const col = <T>(f: (b: Built) => T) => batch.map(f);
  await client.query('BEGIN');
  try {
    if (created.length > 0) {
      await client.query(
        `INSERT INTO ledger_accounts (code, kind, currency)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS t(code, kind, currency) ORDER BY code COLLATE "C"`,
        [created.map((a) => a.ref.code), created.map((a) => a.ref.kind), created.map((a) => a.ref.currency)],
      );
    }
    await client.query(
      `WITH tx AS (
         INSERT INTO journal_transactions (id, kind, actor_principal_id, escrow_account_id, occurred_at, body, content_hash)
         SELECT id, kind, actor, escrow, occurred_at, body, content_hash
           FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::text[], $7::bytea[])
                WITH ORDINALITY AS t(id, kind, actor, escrow, occurred_at, body, content_hash, ord)
          ORDER BY ord
         RETURNING seq, id
       )
       INSERT INTO journal_entries (transaction_seq, position, account_id, amount, currency, balance_after)
       SELECT tx.seq, e.position, a.id, e.amount, a.currency, e.balance_after
         FROM unnest($8::uuid[], $9::smallint[], $10::text[], $11::numeric[], $12::numeric[]) AS e(tx_id, position, code, amount, balance_after)
         JOIN tx ON tx.id = e.tx_id
         JOIN ledger_accounts a ON a.code = e.code`,
      [
        col((b) => b.id), col((b) => b.kind), col((b) => b.actor), col((b) => b.escrow), col((b) => b.occurredAt),
        col((b) => b.body), col((b) => b.contentHash),
        entries.txId, entries.position, entries.code, entries.amount, entries.balanceAfter,
      ],
    );
    const changed = [...touched];
    await client.query(
      `UPDATE ledger_accounts a SET balance = t.balance, version = t.version
         FROM unnest($1::text[], $2::numeric[], $3::bigint[]) AS t(code, balance, version)
        WHERE a.code = t.code`,
      [changed.map((a) => a.ref.code), changed.map((a) => formatCents(a.cents)), changed.map((a) => a.version)],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
