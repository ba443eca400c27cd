import { Transform } from 'node:stream';
import { toView, TransactionRow } from './journal-reader.service';

export type ExportFormat = 'ndjson' | 'csv';

/** Details an auditor looks for, each shown in a column of its own when the body has it. */
const READABLE_DETAILS = ['name', 'reference', 'reason', 'decision', 'evidence', 'comment'] as const;

/**
 * The CSV export's columns, one line per entry (a transaction without entries gets one line
 * with empty entry cells), each line complete on its own so that it survives sorting and
 * filtering in a spreadsheet:
 * - the transaction and its entry, as before (seq … balanceAfter);
 * - what people read: the escrow account, and the details an auditor looks for (name,
 *   reference, reason, decision, evidence, comment) each in a column of its own, with every
 *   detail and the ids it concerns as canonical JSON (`details`, `refs`) for the other kinds;
 * - `body`: the canonical body exactly as stored and hashed, so SHA-256 of the cell's UTF-8
 *   bytes is `contentHash`.
 */
const CSV_COLUMNS = [
  'seq', 'id', 'kind', 'actorPrincipalId', 'occurredAt', 'contentHash', 'chainIndex', 'hash', 'prevHash',
  'account', 'amount', 'currency', 'balanceAfter',
  'escrowAccountId', ...READABLE_DETAILS, 'refs', 'details', 'body',
] as const;

/** Cells that are numbers (possibly negative amounts): a spreadsheet must sum them. */
const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * A cell a spreadsheet would run as a formula starts with one of these (OWASP "CSV Injection",
 * ASVS 1.2.10: = + - @, tab, carriage return, NUL). Such text gets a leading apostrophe, which
 * spreadsheets show as text and do not evaluate.
 */
const FORMULA_START = /^[=+\-@\t\r\0]/;

/**
 * One cell, RFC 4180: quoted when it holds a comma, a double quote, CR or LF, quotes doubled.
 *
 * Which cells are neutralized: every text cell that starts like a formula. Numbers are not
 * text: seq, chainIndex, amount and balanceAfter come from integer and numeric columns, so a
 * negative amount ("-100.00") stays a number an auditor can sum; a numeric cell that did not
 * look like a plain decimal would be treated as text (it cannot happen: PostgreSQL prints
 * numerics so). Free text (names, references, reasons, evidence, comments) is where an
 * injected formula would come from; ids, hashes, codes and timestamps never start with these
 * characters, and neither do refs, details and body, which are JSON objects: a canonical body
 * starts with "{", so neutralizing never changes it and the body cell always re-hashes.
 */
export function csvCell(value: unknown, numeric = false): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (!(numeric && NUMERIC.test(text)) && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 records end with CRLF. */
const EOL = '\r\n';
const HEADER = CSV_COLUMNS.join(',') + EOL;

/** The canonical body's `details` and `refs`, as the CSV shows them (a body that is no JSON object shows none). */
function parts(body: unknown): { details: Record<string, unknown>; refs: Record<string, unknown> } {
  const object = typeof body === 'object' && body !== null ? (body as { details?: unknown; refs?: unknown }) : {};
  const asObject = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  return { details: asObject(object.details), refs: asObject(object.refs) };
}

/** The canonical JSON of a part of a canonical body: its keys are in order already. */
function json(value: Record<string, unknown>): string {
  return Object.keys(value).length === 0 ? '' : JSON.stringify(value);
}

function csvLines(row: TransactionRow): string {
  const view = toView(row);
  const { details, refs } = parts(view.body);
  const readable = READABLE_DETAILS.map((key) => (typeof details[key] === 'string' || typeof details[key] === 'number' ? details[key] : ''));
  const escrowAccountId = (view.body as { escrowAccountId?: unknown } | null)?.escrowAccountId;
  const head = [
    csvCell(view.seq, true), csvCell(view.id), csvCell(view.kind), csvCell(view.actorPrincipalId), csvCell(view.occurredAt),
    csvCell(view.contentHash), csvCell(view.chainIndex, true), csvCell(view.hash), csvCell(view.prevHash),
  ];
  const tail = [csvCell(escrowAccountId), ...readable.map((v) => csvCell(v)), csvCell(json(refs)), csvCell(json(details)), csvCell(row.body)];
  const entries = view.entries.length > 0 ? view.entries : [undefined];
  let out = '';
  for (const entry of entries) {
    const cells = [csvCell(entry?.account), csvCell(entry?.amount, true), csvCell(entry?.currency), csvCell(entry?.balanceAfter, true)];
    out += [...head, ...cells, ...tail].join(',') + EOL;
  }
  return out;
}

/**
 * Turns journal rows into export lines. NDJSON: one transaction per line, as the API shows it.
 * CSV: RFC 4180 (CRLF, quoted fields), columns as above.
 */
export function journalFormatter(format: ExportFormat): Transform {
  let headerWritten = false;
  return new Transform({
    writableObjectMode: true,
    transform(row: TransactionRow, _encoding, done) {
      if (format === 'ndjson') return done(null, JSON.stringify(toView(row)) + '\n');
      const out = (headerWritten ? '' : HEADER) + csvLines(row);
      headerWritten = true;
      done(null, out);
    },
    flush(done) {
      done(null, format === 'csv' && !headerWritten ? HEADER : undefined);
    },
  });
}
