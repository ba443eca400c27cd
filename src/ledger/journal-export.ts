import { Transform } from 'node:stream';
import { toView, TransactionRow } from './journal-reader.service';

export type ExportFormat = 'ndjson' | 'csv';

const CSV_COLUMNS = [
  'seq', 'id', 'kind', 'actorPrincipalId', 'occurredAt', 'contentHash', 'chainIndex', 'hash', 'prevHash',
  'account', 'amount', 'currency', 'balanceAfter',
] as const;

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Turns journal rows into export lines. NDJSON: one transaction per line, as the API shows it.
 * CSV: one line per entry (a transaction without entries gets one line with empty entry cells).
 */
export function journalFormatter(format: ExportFormat): Transform {
  let headerWritten = false;
  return new Transform({
    writableObjectMode: true,
    transform(row: TransactionRow, _encoding, done) {
      const view = toView(row);
      if (format === 'ndjson') return done(null, JSON.stringify(view) + '\n');
      let out = headerWritten ? '' : CSV_COLUMNS.join(',') + '\n';
      headerWritten = true;
      const head = [view.seq, view.id, view.kind, view.actorPrincipalId, view.occurredAt, view.contentHash, view.chainIndex, view.hash, view.prevHash];
      const entries = view.entries.length > 0 ? view.entries : [undefined];
      for (const entry of entries) {
        out += [...head, entry?.account, entry?.amount, entry?.currency, entry?.balanceAfter].map(csvField).join(',') + '\n';
      }
      done(null, out);
    },
    flush(done) {
      done(null, format === 'csv' && !headerWritten ? CSV_COLUMNS.join(',') + '\n' : undefined);
    },
  });
}
