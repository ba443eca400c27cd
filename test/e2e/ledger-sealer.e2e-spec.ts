import { DataSource } from 'typeorm';
import { Database } from '../../src/database/database';
import { AppConfig } from '../../src/config/app-config';
import { randomUUID } from 'node:crypto';
import { canonicalJson, sha256 } from '../../src/ledger/canonical-body';
import { chainHash, GENESIS_HASH } from '../../src/ledger/chain-link';
import { LedgerService } from '../../src/ledger/ledger.service';
import { SealerService } from '../../src/ledger/sealer.service';
import { createTestDatabase, superuserClient } from '../support/database';
import { accounts, ledgerServices, moveEvent, openDataSource, postInTransaction, sealExpecting } from '../support/ledger';

interface ChainRow {
  chain_index: string;
  transaction_seq: string;
  xid: string;
  prev_hash: Buffer;
  hash: Buffer;
  content_hash: Buffer;
}

/** Checks the chain is 0..n-1 with every link right and every committed transaction once. */
async function expectOneGapFreeChain(db: DataSource): Promise<ChainRow[]> {
  const chain: ChainRow[] = await db.query(
    `SELECT c.chain_index, c.transaction_seq, c.xid::text AS xid, c.prev_hash, c.hash, t.content_hash
       FROM journal_chain c JOIN journal_transactions t ON t.seq = c.transaction_seq ORDER BY c.chain_index`,
  );
  const committed: { seq: string }[] = await db.query(`SELECT seq FROM journal_transactions ORDER BY seq`);
  expect(chain.map((c) => Number(c.chain_index))).toEqual(chain.map((_, i) => i));
  expect(chain.map((c) => c.transaction_seq).sort((a, b) => Number(a) - Number(b))).toEqual(committed.map((c) => c.seq));
  let prev: Buffer = GENESIS_HASH;
  for (const link of chain) {
    expect(link.prev_hash.equals(prev)).toBe(true);
    expect(link.hash.equals(chainHash(prev, link.content_hash))).toBe(true);
    prev = link.hash;
  }
  // Chain order is (xid, seq): the order in which transactions became visible below the horizon.
  for (let i = 1; i < chain.length; i++) {
    const [a, b] = [chain[i - 1], chain[i]];
    expect(BigInt(a.xid) < BigInt(b.xid) || (a.xid === b.xid && BigInt(a.transaction_seq) < BigInt(b.transaction_seq))).toBe(true);
  }
  return chain;
}

describe('SealerService: sequence, then seal', () => {
  let url: string;
  let db: DataSource;
  const ledger = new LedgerService();

  beforeAll(async () => {
    url = await createTestDatabase();
    db = await openDataSource(url, 4);
    await postInTransaction(db, moveEvent(accounts.donor('s'), accounts.escrow('s'), '1000000'));
  });
  afterAll(() => db?.destroy());

  it('chains concurrent writers from several connections into one gap-free chain while two sealers race', async () => {
    const writers = await Promise.all([1, 2, 3, 4].map(() => openDataSource(url, 2)));
    const sealerSources = await Promise.all([1, 2].map(() => openDataSource(url, 1)));
    const sealers = sealerSources.map((source) => ledgerServices(source).sealer);
    let writing = true;
    let sealedBySealers = 0;
    try {
      const sealing = sealers.map(async (sealer) => {
        while (writing) {
          const sealed = await sealer.sealPending(); // (not `x += await …`: that would read x before waiting)
          sealedBySealers += sealed;
          await new Promise((r) => setImmediate(r));
        }
      });
      let committed = 0;
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let i = 0; i < 40; i++) {
            const roll = (w * 7 + i * 13) % 10;
            if (roll === 0) {
              // A writer that rolls back: its rows must never reach the chain.
              await writer
                .transaction(async (m) => {
                  await ledger.post(m, moveEvent(accounts.escrow('s'), accounts.tranche(`w${w}`), '1', 'tranche_allocated'));
                  throw new Error('rolled back');
                })
                .catch(() => undefined);
              continue;
            }
            if (roll < 3) await postInTransaction(writer, { kind: 'benchmark_signoff', actorPrincipalId: null, details: { w, i } });
            else if (roll < 7) await postInTransaction(writer, moveEvent(accounts.escrow('s'), accounts.tranche(`w${w}`), '0.01', 'tranche_allocated'));
            else await postInTransaction(writer, moveEvent(accounts.donor(`w${w}`), accounts.escrow('s'), '2.50'));
            committed++;
          }
        }),
      );
      writing = false;
      await Promise.all(sealing);
      const rest = await sealers[0].sealPending();
      sealedBySealers += rest;
      const chain = await expectOneGapFreeChain(db);
      expect(chain).toHaveLength(committed + 1);
      // Every sealed row was reported by exactly one sealer run: none twice, none lost.
      expect(sealedBySealers).toBe(committed + 1);
      expect(await ledgerServices(db).verifier.verify()).toMatchObject({ ok: true, sealed: committed + 1, transactions: committed + 1 });
    } finally {
      await Promise.all([...writers, ...sealerSources].map((s) => s.destroy()));
    }
  });

  it('does not wait for, skip or reorder around a writer that is still open', async () => {
    const { sealer } = ledgerServices(db);
    await sealer.sealPending();
    const [{ n: before }] = await db.query(`SELECT count(*)::int AS n FROM journal_chain`);

    // `slow` takes its transaction id first and stays open; `fast` writes and commits meanwhile:
    // writers hold no global lock, so `fast` does not wait for `slow`.
    const slow = db.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    try {
      await slow.query(`SELECT pg_current_xact_id()`);
      const fast = await postInTransaction(db, { kind: 'escrow_opened', actorPrincipalId: null });
      // `fast` committed but sits above the horizon (slow's xid is older): nothing is sealed yet.
      expect(await sealer.sealPending()).toBe(0);
      const late = await ledger.post(slow.manager, { kind: 'escrow_closed', actorPrincipalId: null });
      expect(Number(late.seq)).toBeGreaterThan(Number(fast.seq));
      await slow.commitTransaction();
      expect(await sealExpecting(sealer, 2)).toBe(2);
      const tail: { transaction_seq: string }[] = await db.query(
        `SELECT transaction_seq FROM journal_chain WHERE chain_index >= $1 ORDER BY chain_index`,
        [before],
      );
      // Chained in transaction-id order: the older transaction first, though its seq is higher.
      expect(tail.map((r) => r.transaction_seq)).toEqual([late.seq, fast.seq]);
    } finally {
      if (slow.isTransactionActive) await slow.rollbackTransaction();
      await slow.release();
    }
    await expectOneGapFreeChain(db);
  });

  it('is not held back by a transaction open in another database of the same server', async () => {
    const { sealer } = ledgerServices(db);
    await sealer.sealPending();
    // Transaction ids are server-wide; another database's open transaction cannot write here.
    const elsewhere = await superuserClient(await createTestDatabase());
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()');
      await postInTransaction(db, { kind: 'escrow_opened', actorPrincipalId: null });
      expect(await sealExpecting(sealer, 1)).toBe(1);
    } finally {
      await elsewhere.query('ROLLBACK');
      await elsewhere.end();
    }
    await expectOneGapFreeChain(db);
  });

  it('orders by transaction id as a number, also where its decimal digits grow (99 < 100)', async () => {
    // Rows as old transactions would have left them (ids far below the horizon), inserted in
    // scrambled order. As text, "10" < "100" < "9": a text sort would chain them wrongly
    // and the next run would try to chain some twice.
    const fresh = await openDataSource(await createTestDatabase(), 1);
    try {
      for (const xid of ['100', '99', '10', '11', '9', '101']) {
        const id = randomUUID();
        const occurredAt = new Date().toISOString();
        const body = canonicalJson({
          id, kind: 'escrow_opened', occurredAt, actorPrincipalId: null, escrowAccountId: null, refs: {}, details: { xid }, postings: [],
        });
        await fresh.query(
          `INSERT INTO journal_transactions (id, kind, occurred_at, body, content_hash, xid)
           VALUES ($1, 'escrow_opened', $2, $3, $4, $5::xid8)`,
          [id, occurredAt, body, sha256(body), xid],
        );
      }
      const { sealer, verifier } = ledgerServices(fresh);
      expect(await sealExpecting(sealer, 6)).toBe(6);
      const chain: { xid: string }[] = await fresh.query(`SELECT xid::text AS xid FROM journal_chain ORDER BY chain_index`);
      expect(chain.map((r) => r.xid)).toEqual(['9', '10', '11', '99', '100', '101']);
      await postInTransaction(fresh, { kind: 'escrow_closed', actorPrincipalId: null });
      expect(await sealExpecting(sealer, 1)).toBe(1);
      expect(await verifier.verify()).toMatchObject({ ok: true, sealed: 7 });
      await expectOneGapFreeChain(fresh);
    } finally {
      await fresh.destroy();
    }
  });

  it('lets one sealer at a time work: another instance holding the lock means this one seals nothing', async () => {
    const { sealer } = ledgerServices(db);
    await postInTransaction(db, { kind: 'escrow_resumed', actorPrincipalId: null });
    const holder = db.createQueryRunner();
    await holder.connect();
    try {
      const [{ key }] = await holder.query(`SELECT 7404002 AS key`);
      await holder.query(`SELECT pg_advisory_lock($1)`, [key]);
      expect(await sealer.sealPending()).toBe(0);
      await holder.query(`SELECT pg_advisory_unlock($1)`, [key]);
      expect(await sealExpecting(sealer, 1)).toBe(1);
    } finally {
      await holder.release();
    }
  });

  it('seals in the background at the configured interval, and stops on shutdown', async () => {
    const source = await openDataSource(url, 1);
    const background = new SealerService(new Database(source), Object.assign(new AppConfig(), { SEALER_INTERVAL_MS: 20 }));
    try {
      const posted = await postInTransaction(db, { kind: 'escrow_suspended', actorPrincipalId: null });
      background.onApplicationBootstrap();
      for (;;) {
        const [row] = await db.query(`SELECT 1 FROM journal_chain WHERE transaction_seq = $1`, [posted.seq]);
        if (row) break;
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await background.onApplicationShutdown();
      await source.destroy();
    }
    await expectOneGapFreeChain(db);
  });

  it('does not run in the background when the interval is 0 (tests and the CLI)', async () => {
    const quiet = new SealerService(new Database(db), Object.assign(new AppConfig(), { SEALER_INTERVAL_MS: 0 }));
    quiet.onApplicationBootstrap();
    const posted = await postInTransaction(db, { kind: 'escrow_resumed', actorPrincipalId: null });
    await new Promise((r) => setTimeout(r, 50));
    expect(await db.query(`SELECT 1 FROM journal_chain WHERE transaction_seq = $1`, [posted.seq])).toEqual([]);
    await quiet.onApplicationShutdown();
    expect(await sealExpecting(quiet, 1)).toBe(1);
  });
});
