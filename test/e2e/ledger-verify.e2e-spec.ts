import { DataSource } from 'typeorm';
import { Money } from '../../src/common/money/money';
import { snapshotOf } from '../../src/database/database';
import { VerificationResult } from '../../src/ledger/verify.service';
import { createTestDatabase } from '../support/database';
import { accounts, ledgerServices, moveEvent, openDataSource, postInTransaction, runCli, sealExpecting, sql, tamper } from '../support/ledger';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A small journal on a fresh database: seq 1..6 sealed, seq 7 not yet.
 *   1 deposit USD 100 donor→escrow   2 allocation 40 escrow→tranche   3 sign-off (no money)
 *   4 deposit EUR 50                 5 release 40 tranche→recipient   6 escrow opened
 *   7 deposit USD 5 (unsealed)
 */
async function journal(): Promise<{ url: string; verify: () => Promise<VerificationResult> }> {
  const url = await createTestDatabase();
  const db = await openDataSource(url, 1);
  try {
    const { sealer } = ledgerServices(db);
    await postInTransaction(db, moveEvent(accounts.donor(1), accounts.escrow(1), '100'));
    await postInTransaction(db, moveEvent(accounts.escrow(1), accounts.tranche(1), '40', 'tranche_allocated'));
    await postInTransaction(db, { kind: 'benchmark_signoff', actorPrincipalId: null, details: { decision: 'approve' } });
    await postInTransaction(db, moveEvent(accounts.donor(2, 'EUR'), accounts.escrow(2, 'EUR'), '50'));
    await postInTransaction(db, moveEvent(accounts.tranche(1), accounts.recipient(1), '40', 'release_approved'));
    await postInTransaction(db, { kind: 'escrow_opened', actorPrincipalId: null });
    expect(await sealExpecting(sealer, 6)).toBe(6);
    await postInTransaction(db, moveEvent(accounts.donor(1), accounts.escrow(1), '5'));
  } finally {
    await db.destroy();
  }
  return {
    url,
    verify: async () => {
      const source = await openDataSource(url, 1);
      try {
        return await ledgerServices(source).verifier.verify();
      } finally {
        await source.destroy();
      }
    },
  };
}

describe('ledger verification', () => {
  it('passes on an intact journal and reports its size and head', async () => {
    const { url, verify } = await journal();
    const result = await verify();
    const [head] = await sql<{ hash: Buffer }>(url, `SELECT hash FROM journal_chain ORDER BY chain_index DESC LIMIT 1`);
    expect(result).toEqual({ ok: true, transactions: 7, sealed: 6, headHash: head.hash.toString('hex'), firstBrokenSeq: null, problem: null });
  });

  it('passes on an empty journal', async () => {
    const url = await createTestDatabase();
    const source = await openDataSource(url, 1);
    try {
      expect(await ledgerServices(source).verifier.verify()).toEqual({
        ok: true, transactions: 0, sealed: 0, headHash: null, firstBrokenSeq: null, problem: null,
      });
    } finally {
      await source.destroy();
    }
  });

  it('runs one verification at a time: calls during a run share the next, which sees what they wrote', async () => {
    const { url } = await journal();
    const source = await openDataSource(url, 3);
    try {
      const { verifier } = ledgerServices(source);
      const verifyIn = verifier.verifyIn.bind(verifier);
      let release!: () => void;
      let pinned!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const snapshotTaken = new Promise<void>((resolve) => (pinned = resolve));
      // The first run takes its snapshot, then stays open until the test lets it finish.
      const runs = jest.spyOn(verifier, 'verifyIn').mockImplementationOnce(async (snapshot) => {
        await snapshot.query('SELECT 1');
        pinned();
        await held;
        return verifyIn(snapshot);
      });
      const first = verifier.verify();
      await snapshotTaken;
      await postInTransaction(source, { kind: 'escrow_opened', actorPrincipalId: null });
      const during = [verifier.verify(), verifier.verify()];
      release();
      const [a, b] = await Promise.all(during);
      // Asked after the write: both answers include it, from one shared run after the first.
      expect(b).toBe(a);
      expect(a).toMatchObject({ ok: true, transactions: 8 });
      expect(await first).toMatchObject({ ok: true, transactions: 7 }); // its snapshot predates the write
      expect(runs).toHaveBeenCalledTimes(2);
    } finally {
      await source.destroy();
    }
  });

  it('reads through a server-side cursor in batches, and closes it when the reader stops early', async () => {
    const { url } = await journal();
    const db = await openDataSource(url, 1);
    const runner = db.createQueryRunner();
    try {
      await runner.startTransaction();
      const batches: number[][] = [];
      const snapshot = snapshotOf(runner);
      for await (const batch of snapshot.cursor<{ seq: string }>('SELECT seq FROM journal_transactions ORDER BY seq', [], { batchSize: 3 })) {
        batches.push(batch.map((r) => Number(r.seq)));
      }
      expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
      for await (const batch of snapshot.cursor('SELECT seq FROM journal_transactions', [], { batchSize: 2 })) {
        expect(batch).toHaveLength(2);
        break;
      }
      expect(await runner.query(`SELECT name FROM pg_cursors`)).toEqual([]);
      await runner.commitTransaction();
    } finally {
      await runner.release();
      await db.destroy();
    }
  });

  describe('finds tampering by a superuser with triggers off, at the right seq', () => {
    let url: string;
    let db: DataSource;

    beforeAll(async () => {
      ({ url } = await journal());
      db = await openDataSource(url, 1);
    });
    afterAll(() => db?.destroy());

    /**
     * Tampers in a transaction with triggers (and foreign keys) off, verifies what it sees, and
     * rolls back: every case starts from the same intact journal.
     */
    async function verifyTampered(statements: string, options: { replica?: boolean } = {}): Promise<VerificationResult> {
      const runner = db.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        if (options.replica !== false) await runner.query('SET LOCAL session_replication_role = replica');
        await runner.query(statements);
        return await ledgerServices(db).verifier.verifyIn(snapshotOf(runner));
      } finally {
        await runner.query('ROLLBACK');
        await runner.release();
      }
    }

    afterEach(async () => {
      expect(await ledgerServices(db).verifier.verify()).toMatchObject({ ok: true }); // rolled back
    });

    it.each<[string, string, number, RegExp]>([
      ['a changed body', `UPDATE journal_transactions SET body = replace(body, '"-40.00"', '"-4.00"') WHERE seq = 2`, 2, /content hash/],
      ['a changed entry amount', `UPDATE journal_entries SET amount = 39 WHERE transaction_seq = 2 AND position = 2`, 2, /entry 2 does not match/],
      ['a changed balance_after', `UPDATE journal_entries SET balance_after = 61 WHERE transaction_seq = 2 AND position = 1`, 2, /balance_after 61/],
      ['a changed chain hash', `UPDATE journal_chain SET hash = sha256(hash) WHERE transaction_seq = 4`, 4, /chain link 3: hash/],
      ['a changed prev_hash', `UPDATE journal_chain SET prev_hash = sha256(prev_hash) WHERE transaction_seq = 3`, 3, /chain link 2: prev_hash/],
      ['a deleted chain row', `DELETE FROM journal_chain WHERE transaction_seq = 3`, 3, /transaction 3 is missing from the chain at index 2/],
      ['a changed account balance', `UPDATE ledger_accounts SET balance = balance + 1000 WHERE code = '${accounts.recipient(1).code}'`, 5, /account recipient:.* holds 1040.00 but its entries sum to 40/],
      ['a deleted entry', `DELETE FROM journal_entries WHERE transaction_seq = 5 AND position = 1`, 5, /2 postings but 1 entries/],
      ['a deleted transaction (the last sealed)', `DELETE FROM journal_transactions WHERE seq = 6`, 6, /chain index 5 holds transaction 6, which is missing/],
      ['a deleted transaction (sealed)', `DELETE FROM journal_transactions WHERE seq = 3`, 3, /chain index 2 holds transaction 3, which is missing/],
      ['a changed actor column', `UPDATE journal_transactions SET actor_principal_id = gen_random_uuid() WHERE seq = 3`, 3, /differ from its body/],
      ['a changed kind column', `UPDATE journal_transactions SET kind = 'refund' WHERE seq = 6`, 6, /differ from its body/],
      ['a changed chain xid', `UPDATE journal_chain SET xid = '5'::xid8 WHERE transaction_seq = 3`, 3, /chain link 2: its xid does not match transaction 3/],
      ['a changed account currency', `UPDATE ledger_accounts SET currency = 'GBP' WHERE code = '${accounts.escrow(2, 'EUR').code}'`, 4, /in GBP but its entries are in EUR/],
      [
        'two chain rows swapped',
        `UPDATE journal_chain SET transaction_seq = 7 WHERE transaction_seq = 2;
         UPDATE journal_chain SET transaction_seq = 2 WHERE transaction_seq = 3;
         UPDATE journal_chain SET transaction_seq = 3 WHERE transaction_seq = 7`,
        2,
        /chain index 1 holds transaction 3 out of order \(transaction 2 belongs there\)/,
      ],
      [
        'a body and its hash rewritten together (sealed: the chain tells)',
        `UPDATE journal_transactions SET body = replace(body, '"approve"', '"reject"') WHERE seq = 3;
         UPDATE journal_transactions SET content_hash = sha256(convert_to(body, 'UTF8')) WHERE seq = 3`,
        3,
        /chain link 2: hash/,
      ],
      [
        'an unbalanced transaction rewritten consistently (unsealed: only the sums tell)',
        // seq 7: donor -5, escrow +5. Make it donor -5, escrow +6 in the body, hash, entries and balance alike.
        `UPDATE journal_transactions SET body = replace(body, '"amount":"5.00"', '"amount":"6.00"') WHERE seq = 7;
         UPDATE journal_transactions SET content_hash = sha256(convert_to(body, 'UTF8')) WHERE seq = 7;
         UPDATE journal_entries SET amount = 6, balance_after = balance_after + 1 WHERE transaction_seq = 7 AND position = 2;
         UPDATE ledger_accounts SET balance = balance + 1 WHERE code = '${accounts.escrow(1).code}'`,
        7,
        /^entries do not sum to zero in USD$/,
      ],
      [
        'a protected account driven below zero, body and all',
        // Allocation seq 2 takes 140 from an escrow account that held 100.
        `UPDATE journal_transactions SET body = replace(replace(body, '"-40.00"', '"-140.00"'), '"40.00"', '"140.00"') WHERE seq = 2;
         UPDATE journal_transactions SET content_hash = sha256(convert_to(body, 'UTF8')) WHERE seq = 2;
         UPDATE journal_entries SET amount = -140, balance_after = -40 WHERE transaction_seq = 2 AND position = 1;
         UPDATE journal_entries SET amount = 140, balance_after = 140 WHERE transaction_seq = 2 AND position = 2`,
        2,
        /entry 1 takes escrow:.* below zero/,
      ],
      // Malformed bodies with matching hashes (seq 7 is unsealed: only the body checks tell).
      // The check must name them, not stumble over them.
      [
        'a posting rewritten as null',
        `UPDATE journal_transactions SET body = replace(body, '"postings":[', '"postings":[null,') WHERE seq = 7;
         UPDATE journal_transactions SET content_hash = sha256(convert_to(body, 'UTF8')) WHERE seq = 7`,
        7,
        /3 postings but 2 entries/,
      ],
      [
        'a posting amount that is not a number',
        `UPDATE journal_transactions SET body = replace(body, '"amount":"5.00"', '"amount":"five"') WHERE seq = 7;
         UPDATE journal_transactions SET content_hash = sha256(convert_to(body, 'UTF8')) WHERE seq = 7`,
        7,
        /entry 2 does not match the body's posting/,
      ],
      [
        'postings that are not a list',
        `UPDATE journal_transactions SET body = regexp_replace(body, '"postings":\\[.*\\]', '"postings":"none"') WHERE seq = 7;
         UPDATE journal_transactions SET content_hash = sha256(convert_to(body, 'UTF8')) WHERE seq = 7`,
        7,
        /postings are not a list/,
      ],
      [
        'a body that is not a JSON object',
        `UPDATE journal_transactions SET body = 'null', content_hash = sha256(convert_to('null', 'UTF8')) WHERE seq = 7`,
        7,
        /not a JSON object/,
      ],
      [
        'several breaks: the first is named',
        `UPDATE journal_entries SET balance_after = 0 WHERE transaction_seq = 5 AND position = 1;
         DELETE FROM journal_chain WHERE transaction_seq = 4`,
        4,
        /transaction 4 is missing/,
      ],
    ])('%s', async (_what, statements, seq, problem) => {
      expect(await verifyTampered(statements)).toMatchObject({ ok: false, firstBrokenSeq: seq, problem: expect.stringMatching(problem) });
    });

    it('also with ALTER TABLE … DISABLE TRIGGER USER instead of replica mode', async () => {
      const result = await verifyTampered(
        `ALTER TABLE journal_entries DISABLE TRIGGER USER;
         UPDATE journal_entries SET amount = -41 WHERE transaction_seq = 2 AND position = 1`,
        { replica: false },
      );
      expect(result).toMatchObject({ ok: false, firstBrokenSeq: 2 });
    });
  });

  describe('GET /v1/ledger/verify and the CLI', () => {
    let t: TestApp;

    beforeAll(async () => {
      const { url } = await journal();
      t = await startTestApp({ DATABASE_URL: url });
    });
    afterAll(() => t?.close());

    it('answers auditors and admins, not others', async () => {
      const auditor = await t.principal('auditor');
      const res = await t.http().get('/v1/ledger/verify').set(auditor.auth).expect(200);
      // 7 of the journal's own, and the 3 that made the auditor (organization, request, approval).
      expect(res.body).toMatchObject({ ok: true, transactions: 10, sealed: 6, firstBrokenSeq: null, problem: null });
      await t.http().get('/v1/ledger/verify').set((await t.principal('admin')).auth).expect(200);
      await t.http().get('/v1/ledger/verify').set((await t.principal('donor')).auth).expect(403);
      await t.http().get('/v1/ledger/verify').expect(401);
    });

    it('`ledger:verify` prints one JSON line and exits 0 when intact, 1 when not; the API agrees', async () => {
      const intact = await runCli(['ledger:verify'], { DATABASE_URL: t.url });
      expect(intact).toMatchObject({ code: 0 });
      const lines = intact.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0])).toMatchObject({ ok: true, transactions: 10 + 3 + 3 }); // and the admin's and donor's

      await tamper(t.url, `UPDATE journal_entries SET amount = 100.01 WHERE transaction_seq = 1 AND position = 2`);
      const broken = await runCli(['ledger:verify'], { DATABASE_URL: t.url });
      expect(broken).toMatchObject({ code: 1 });
      expect(broken.stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, firstBrokenSeq: 1 });

      const auditor = await t.principal('auditor');
      const res = await t.http().get('/v1/ledger/verify').set(auditor.auth).expect(200);
      expect(res.body).toMatchObject({ ok: false, firstBrokenSeq: 1, problem: expect.any(String) });
    });
  });

  it('never reports a false break while writers and the sealer run', async () => {
    const url = await createTestDatabase();
    const writer = await openDataSource(url, 3);
    const checker = await openDataSource(url, 1);
    const { sealer } = ledgerServices(writer);
    const { verifier } = ledgerServices(checker);
    let writing = true;
    try {
      const writes = (async () => {
        try {
        await postInTransaction(writer, moveEvent(accounts.donor(9), accounts.escrow(9), '1000'));
        for (let i = 0; i < 30; i++) {
          await Promise.all([
            postInTransaction(writer, moveEvent(accounts.escrow(9), accounts.tranche(i % 3), '1', 'tranche_allocated')),
            postInTransaction(writer, {
              kind: 'deposit',
              actorPrincipalId: null,
              postings: [
                { account: accounts.donor(8, 'JPY'), amount: Money.of('-3', 'JPY') },
                { account: accounts.escrow(8, 'JPY'), amount: Money.of('3', 'JPY') },
              ],
            }),
            sealer.sealPending(),
          ]);
        }
        } finally {
          writing = false;
        }
      })();
      const results: VerificationResult[] = [];
      while (writing) results.push(await verifier.verify());
      await writes;
      await sealer.sealPending();
      results.push(await verifier.verify());
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results[results.length - 1]).toMatchObject({ ok: true, transactions: 61, sealed: 61 });
    } finally {
      await writer.destroy();
      await checker.destroy();
    }
  });
});
