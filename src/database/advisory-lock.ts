import type { EntityManager } from 'typeorm';
import type { Database } from './database';

/**
 * Runs `work` in a transaction that holds the advisory lock `lockKey` until it ends, or returns
 * undefined at once when another session holds it (a try-lock: nobody waits, nobody queues).
 * How one instance of many does a piece of background work (the sealer, the checkpoint
 * producer) while the others skip it. (A `work` that may return undefined itself cannot tell
 * the two apart: fine where both mean "nothing done".)
 *
 * Keys are bigint constants starting 7_404_…; `grep -rn 7_404_ src` lists those taken.
 */
export function tryLockedTransaction<T>(database: Database, lockKey: number, work: (db: EntityManager) => Promise<T>): Promise<T | undefined> {
  return database.transaction(async (db) => {
    const [{ locked }] = await db.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [lockKey]);
    return locked ? work(db) : undefined;
  });
}
