import { h, raw, renderChild } from '../../src/console/html/jsx';
import { byCategoryAndPhase } from '../../src/console/views/chart';
import { Formats } from '../../src/console/views/formats';

describe('the console\'s HTML and figures', () => {
  it('escapes text and attributes, keeps trusted markup, and refuses inline handlers', () => {
    const evil = '"><script>alert(1)</script>&\'';
    const html = (<p title={evil}>{evil}{raw('<b>ok</b>')}</p>).text;
    expect(html).toBe('<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;<b>ok</b></p>');
    expect(() => h('a', { onclick: 'x()' } as never)).toThrow(/inline event handler/);
    expect(renderChild([null, false, 0, 'a'])).toBe('0a');
    expect((<input disabled value="x" hidden={false} />).text).toBe('<input disabled value="x">');
  });

  it('formats decimal strings exactly by the locale, beyond what a float holds, and times in UTC', () => {
    expect(new Formats('en').money('123456789012345.67', 'USD')).toBe('123,456,789,012,345.67 USD');
    expect(new Formats('de').money('999999999999999.99', 'EUR')).toBe('999.999.999.999.999,99 EUR');
    expect(new Formats('en').money('1000', 'JPY')).toBe('1,000 JPY');
    expect(new Formats('en').money('-0.10', 'USD')).toBe('-0.10 USD');
    expect(() => new Formats('en').money('1e3', 'USD')).toThrow(/decimal/);
    expect(new Formats('en-GB').time('2027-03-14T09:30:00.000Z')).toBe('14 Mar 2027, 09:30 UTC');
  });

  it('sums the chart by category and phase in decimals, cancelled tranches left out', () => {
    const rows = byCategoryAndPhase([
      { category: 'utilities', phase: 1, amount: '0.10', status: 'released' },
      { category: 'utilities', phase: 1, amount: '0.20', status: 'allocated' },
      { category: 'clinics', phase: 1, amount: '5.00', status: 'cancelled' },
      { category: 'shelters', phase: 2, amount: '123456789012345.67', status: 'allocated' },
    ]);
    expect(rows).toEqual([
      { category: 'utilities', phase: 1, amount: '0.3', released: '0.1' },
      { category: 'shelters', phase: 2, amount: '123456789012345.67', released: '0' },
    ]);
  });
});
