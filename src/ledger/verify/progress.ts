import { JournalRows } from './journal-rows';

/**
 * How far a verification is: the rows walked of the two passes over the journal (each
 * transaction with its entries, then the chain in the sealer's order), out of twice the number
 * of transactions in the snapshot. Reported once per batch read.
 */
export interface VerifyProgress {
  done: number;
  total: number;
}

export type ProgressListener = (progress: VerifyProgress) => void;

/** `rows` with every batch of the two long passes counted toward `total` (2 × transactions). */
export function countedRows(rows: JournalRows, transactions: number, report: ProgressListener): JournalRows {
  const total = transactions * 2;
  let done = 0;
  const counted = <Row>(source: AsyncIterable<Row[]>): AsyncIterable<Row[]> => ({
    async *[Symbol.asyncIterator]() {
      for await (const batch of source) {
        done += batch.length;
        report({ done: Math.min(done, total), total });
        yield batch;
      }
    },
  });
  return { ...rows, transactions: counted(rows.transactions), sealerOrder: counted(rows.sealerOrder) };
}
