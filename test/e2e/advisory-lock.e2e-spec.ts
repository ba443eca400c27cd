import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { PeriodicTask } from '../../src/common/periodic-task';
import { tryLockedTransaction } from '../../src/database/advisory-lock';
import { Database } from '../../src/database/database';
import { createTestDatabase } from '../support/database';
import { openDataSource } from '../support/ledger';

/** A key no code of the app uses: this file's tests own it. */
const TEST_LOCK = 7_404_999;

describe('tryLockedTransaction: one instance of many does the work', () => {
  let url: string;
  let sources: DataSource[] = [];

  beforeAll(async () => {
    url = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(sources.map((s) => s.destroy()));
    sources = [];
  });

  async function instance(poolSize = 2): Promise<Database> {
    const source = await openDataSource(url, poolSize);
    sources.push(source);
    return new Database(source);
  }

  /** Whether some other session could take the lock right now (it gives it back at once). */
  async function lockIsFree(database: Database): Promise<boolean> {
    return (await tryLockedTransaction(database, TEST_LOCK, async () => true)) === true;
  }

  it('runs the work in a transaction that holds the lock, and gives it back when that ends', async () => {
    const [a, b] = [await instance(), await instance()];
    const result = await tryLockedTransaction(a, TEST_LOCK, async (db) => {
      expect(db.queryRunner?.isTransactionActive).toBe(true);
      expect(await lockIsFree(b)).toBe(false); // held while the work runs
      return 'done';
    });
    expect(result).toBe('done');
    expect(await lockIsFree(b)).toBe(true);
  });

  it('answers undefined at once, without running the work, while another session holds the lock', async () => {
    const [a, b] = [await instance(), await instance()];
    let ran = false;
    const started = Date.now();
    await tryLockedTransaction(a, TEST_LOCK, async () => {
      expect(await tryLockedTransaction(b, TEST_LOCK, async () => (ran = true))).toBeUndefined();
    });
    expect(ran).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000); // a try-lock: nobody waited
  });

  it('gives the lock back when the work fails (the transaction rolls back)', async () => {
    const [a, b] = [await instance(), await instance()];
    await expect(
      tryLockedTransaction(a, TEST_LOCK, async () => {
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await lockIsFree(b)).toBe(true);
  });

  it('elects: periodic tasks of three instances on one database never work at the same time', async () => {
    // A pool of one connection per instance: the election must not need a second one.
    const instances = [await instance(1), await instance(1), await instance(1)];
    let working = 0;
    let overlaps = 0;
    const runsBy = [0, 0, 0];
    const failures: unknown[] = [];
    const tasks = instances.map(
      (database, i) =>
        new PeriodicTask({
          name: `instance ${i}`,
          everyMs: 2,
          logger: { warn: (...args: unknown[]) => void failures.push(args) },
          run: () =>
            tryLockedTransaction(database, TEST_LOCK, async (db) => {
              if (++working > 1) overlaps++;
              runsBy[i]++;
              await db.query('SELECT pg_sleep(0.01)');
              working--;
            }),
        }),
    );
    try {
      tasks.forEach((task) => task.start());
      for (const deadline = Date.now() + 10_000; runsBy.reduce((a, b) => a + b) < 30 && Date.now() < deadline; ) await sleep(10);
    } finally {
      await Promise.all(tasks.map((task) => task.stop()));
    }
    expect(runsBy.reduce((a, b) => a + b)).toBeGreaterThanOrEqual(30);
    expect(overlaps).toBe(0);
    expect(failures).toEqual([]);
  });
});
