import { JournalTransactionView } from '../../src/ledger/journal-reader.service';
import { LedgerService } from '../../src/ledger/ledger.service';
import { SealerService } from '../../src/ledger/sealer.service';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';

/**
 * GET /v1/ledger/transactions?fromChainIndex=N: the cursor for a reader following the ledger
 * live. seq is assigned before commit, so a lower seq can appear after a higher one was read;
 * a chain index is final once given, so paging the chain misses nothing.
 */
describe('paging the journal in chain order', () => {
  let t: TestApp;
  let auditor: TestPrincipal;
  let ledger: LedgerService;
  /** Chain indexes taken before the test's own transactions (making a principal is journaled). */
  let base: number;

  beforeAll(async () => {
    t = await startTestApp({ SEALER_INTERVAL_MS: 0 });
    auditor = await t.principal('auditor');
    ledger = t.app.get(LedgerService);
    base = await t.seal();
  });
  afterAll(() => t?.close());

  const get = (query: string) => t.http().get(`/v1/ledger/transactions?${query}`).set(auditor.auth);
  const note = (item: JournalTransactionView) => (item.body as { details: { note: string } }).details.note;
  const post = (text: string) => t.dataSource.transaction((m) => ledger.post(m, { kind: 'escrow_opened', actorPrincipalId: null, details: { note: text } }));

  it('returns sealed transactions only, in chain order, with the index to ask for next', async () => {
    for (const text of ['a', 'b', 'c']) await post(text);
    await t.seal();
    await post('unsealed');

    const first = await get(`fromChainIndex=${base}&limit=2`).expect(200);
    expect(first.body.items.map((i: JournalTransactionView) => [i.chainIndex, note(i)])).toEqual([[base, 'a'], [base + 1, 'b']]);
    expect(first.body.nextFromChainIndex).toBe(base + 2);
    const rest = await get(`fromChainIndex=${base + 2}&limit=2`).expect(200);
    expect(rest.body).toEqual({ items: [expect.objectContaining({ chainIndex: base + 2 })], nextFromChainIndex: base + 3 });
    // At the head: nothing more yet, and the same cursor to poll with.
    expect((await get(`fromChainIndex=${base + 3}`).expect(200)).body).toEqual({ items: [], nextFromChainIndex: base + 3 });
    await t.seal();
  });

  it('gives a live follower every transaction exactly once when a lower seq commits after a higher one', async () => {
    let cursor = (await get('fromChainIndex=0&limit=1000').expect(200)).body.nextFromChainIndex as number;
    const slow = t.dataSource.createQueryRunner();
    await slow.connect();
    try {
      await slow.startTransaction();
      await ledger.post(slow.manager, { kind: 'escrow_opened', actorPrincipalId: null, details: { note: 'slow' } });
      await post('fast'); // higher seq, committed first
      await t.app.get(SealerService).sealPending();

      const whileSlowRuns = await get(`fromChainIndex=${cursor}`).expect(200);
      expect(whileSlowRuns.body.items).toEqual([]); // the running writer holds the chain back
      const bySeq = await get('afterSeq=0&limit=1000').expect(200);
      const fast = (bySeq.body.items as JournalTransactionView[]).find((i) => note(i) === 'fast')!;
      expect(bySeq.body.items.some((i: JournalTransactionView) => note(i) === 'slow')).toBe(false);

      await slow.commitTransaction();
      await t.seal();
      // A seq follower that had reached "fast" would never see "slow", whose seq is lower.
      const afterFast = await get(`afterSeq=${fast.seq}`).expect(200);
      expect(afterFast.body.items.map(note)).not.toContain('slow');

      const seen: string[] = [];
      for (;;) {
        const page = await get(`fromChainIndex=${cursor}&limit=1`).expect(200);
        if (page.body.items.length === 0) break;
        seen.push(...page.body.items.map(note));
        cursor = page.body.nextFromChainIndex;
      }
      expect(seen).toEqual(['slow', 'fast']);
    } finally {
      if (slow.isTransactionActive) await slow.rollbackTransaction();
      await slow.release();
    }
  });

  it.each([
    ['fromChainIndex=-1', 'fromChainIndex'],
    ['fromChainIndex=1.5', 'fromChainIndex'],
    ['fromChainIndex=abc', 'fromChainIndex'],
    ['fromChainIndex=0&afterSeq=0', 'fromChainIndex'],
  ])('answers 400 naming the parameter for ?%s', async (query, field) => {
    const res = await get(query).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringContaining(field) });
  });
});
