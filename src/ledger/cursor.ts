import { QueryRunner } from 'typeorm';

/**
 * Reads a query's rows in batches through a server-side cursor, so memory stays flat however
 * large the result. Must run inside a transaction on `runner`.
 */
export async function* cursorBatches<Row>(
  runner: QueryRunner,
  name: string,
  sql: string,
  params: unknown[] = [],
  batchSize = 10_000,
): AsyncGenerator<Row[]> {
  await runner.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
  try {
    for (;;) {
      const rows: Row[] = await runner.query(`FETCH ${batchSize} FROM ${name}`);
      if (rows.length === 0) return;
      yield rows;
    }
  } finally {
    await runner.query(`CLOSE ${name}`).catch(() => undefined);
  }
}
