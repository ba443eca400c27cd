import { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `work` in a REPEATABLE READ, READ ONLY transaction of its own: every query sees one
 * consistent snapshot (an audit or a public document never mixes two moments).
 */
export async function inReadOnlySnapshot<T>(dataSource: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
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
