import { Decimal } from '../../common/money/money';
import { h, Html } from '../html/jsx';
import { PageContext } from './page-context';

export interface ChartRow {
  category: string;
  phase: number;
  amount: string;
  released: string;
}

/** Sums by category and phase, with exact decimals; ordered by phase, then category. */
export function byCategoryAndPhase(tranches: { category: string; phase: number; amount: string; status: string }[]): ChartRow[] {
  const sums = new Map<string, { category: string; phase: number; amount: Decimal; released: Decimal }>();
  for (const t of tranches) {
    if (t.status === 'cancelled') continue;
    const key = `${t.phase}\u0000${t.category}`;
    const row = sums.get(key) ?? { category: t.category, phase: t.phase, amount: new Decimal(0), released: new Decimal(0) };
    row.amount = row.amount.plus(t.amount);
    if (t.status === 'released') row.released = row.released.plus(t.amount);
    sums.set(key, row);
  }
  return [...sums.values()]
    .sort((a, b) => a.phase - b.phase || a.category.localeCompare(b.category))
    .map((r) => ({ category: r.category, phase: r.phase, amount: r.amount.toFixed(), released: r.released.toFixed() }));
}

/** A share of the largest bar, as a CSS percentage computed in decimals (never a float of money). */
function percent(part: string, whole: Decimal): string {
  if (whole.isZero()) return '0%';
  return `${new Decimal(part).div(whole).times(100).toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed(2)}%`;
}

/**
 * Bars by category and phase: each bar's length is its amount against the largest, the dark
 * part what was released. The words beside each bar say everything the bar shows, so the bars
 * themselves are hidden from screen readers.
 */
export function CategoryPhaseChart(props: { context: PageContext; rows: ChartRow[]; currency: string; title: string }): Html {
  if (props.rows.length === 0) return <p class="empty">No tranches yet.</p>;
  const largest = props.rows.reduce((max, r) => Decimal.max(max, new Decimal(r.amount)), new Decimal(0));
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <ul>
        {props.rows.map((row) => (
          <li data-chart-category={row.category} data-chart-phase={String(row.phase)}>
            <span class="chart-label">
              Phase {row.phase} · {row.category}: {props.context.formats.money(row.amount, props.currency)}, of which released{' '}
              {props.context.formats.money(row.released, props.currency)}
            </span>
            <span class="bar" aria-hidden="true" style={`width: ${percent(row.amount, largest)}`}>
              <span class="bar-released" style={`width: ${percent(row.released, new Decimal(row.amount))}`}></span>
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
