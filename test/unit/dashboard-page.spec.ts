import fc from 'fast-check';
import Decimal from 'decimal.js';
import { InvalidInput } from '../../src/common/errors/common-errors';
import { TRANCHE_CATEGORIES } from '../../src/escrow/tranches/tranche.types';
import { groupDigits, percentOf } from '../../src/reporting/dashboard/page/figures';
import { html } from '../../src/reporting/dashboard/page/html';
import { decodeTrancheCursor, encodeTrancheCursor } from '../../src/reporting/tranche-pages/tranche-cursor';

describe('the tranche pages cursor', () => {
  const key = fc.record({ phase: fc.integer({ min: 1, max: 2 ** 31 - 1 }), category: fc.constantFrom(...TRANCHE_CATEGORIES), id: fc.uuid() });

  it('gives back the key it was made from', () => {
    fc.assert(fc.property(key, (k) => expect(decodeTrancheCursor(encodeTrancheCursor(k))).toEqual(k)));
  });

  it('refuses anything else as invalid input naming cursor, never a key outside the domain', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.json().map((j) => Buffer.from(j).toString('base64url'))), (text) => {
        try {
          const k = decodeTrancheCursor(text);
          expect(Number.isSafeInteger(k.phase) && k.phase >= 1 && k.phase <= 2 ** 31 - 1).toBe(true);
          expect(TRANCHE_CATEGORIES).toContain(k.category);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidInput);
          expect((error as Error).message).toMatch(/^cursor /);
        }
      }),
    );
  });
});

describe('the tranche pages cursor at the edge of a PostgreSQL integer', () => {
  it('refuses a phase beyond 2^31 - 1 as invalid input, before it could reach the database', () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const cursor = (phase: number) => Buffer.from(JSON.stringify([phase, 'clinics', id])).toString('base64url');
    expect(decodeTrancheCursor(cursor(2 ** 31 - 1)).phase).toBe(2 ** 31 - 1);
    expect(() => decodeTrancheCursor(cursor(2 ** 31))).toThrow(InvalidInput);
    expect(() => decodeTrancheCursor(cursor(3_000_000_000))).toThrow(/^cursor /);
  });
});

describe('the page figures', () => {
  it('groups digits on the string itself, keeping every decimal', () => {
    expect(groupDigits('1250000.50')).toBe('1,250,000.50');
    expect(groupDigits('0.30')).toBe('0.30');
    expect(groupDigits('-1234')).toBe('-1,234');
    expect(groupDigits('123456789012345678901234.000001')).toBe('123,456,789,012,345,678,901,234.000001');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 6 }), (n, scale) => {
        const text = new Decimal(n.toString()).div(new Decimal(10).pow(scale)).toFixed(scale);
        expect(groupDigits(text).replace(/,/g, '')).toBe(text);
      }),
    );
  });

  it('sizes bars from decimal strings', () => {
    expect(percentOf('0.30', '0.30')).toBe('100');
    expect(percentOf('0.10', '0.30')).toBe('33.333');
    expect(percentOf('1', '0')).toBe('0');
  });

  it('escapes what it is given, not the markup it made', () => {
    const name = '<img src=x onerror=alert(1)> & "q"';
    expect(html`<p title="${name}">${name}${html`<b>ok</b>`}</p>`.text).toBe(
      '<p title="&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;">&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;<b>ok</b></p>',
    );
  });
});
