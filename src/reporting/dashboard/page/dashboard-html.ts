import Decimal from 'decimal.js';
import { TRANCHE_CATEGORIES, TRANCHE_STATUSES } from '../../../escrow/tranches/tranche.types';
import type { DashboardAccount, DashboardView } from '../dashboard.service';
import { groupDigits, integer, percentOf, utc } from './figures';
import { html, Markup } from './html';

export const CATEGORY_LABELS: Record<string, string> = {
  utilities: 'Water & utilities',
  shelters: 'Shelters',
  clinics: 'Clinics',
  infrastructure: 'Infrastructure',
  livelihoods: 'Livelihoods',
};
const STATUS_LABELS: Record<string, string> = { allocated: 'allocated', release_pending: 'release pending', released: 'released', cancelled: 'cancelled', expired: 'expired' };
const FIGURES = [
  ['deposited', 'Deposited'],
  ['allocated', 'Allocated'],
  ['released', 'Released'],
  ['refunded', 'Refunded'],
  ['repaid', 'Repaid'],
  ['unallocated', 'Unallocated'],
] as const;

/** Where the page template takes the server-rendered summary. */
export const SUMMARY_SLOT = '<!--summary-->';

export interface PageContext {
  /** The snapshot the figures are from (PublicSnapshotService's key): the script refreshes when it moves. */
  watermark: string;
  /** The log's C2SP verifier key, for the "check it from outside" hint. */
  vkey: string;
}

/**
 * The dashboard page with its figures in the HTML: it says where the money is with JavaScript
 * off. The script only adds what needs a request (tranches, page by page) and refreshes the
 * summary by fetching this page again, so the figures have one renderer, here. Every amount is
 * the exact decimal string of the API, digits grouped; decimal.js makes the held share and the
 * bars' widths.
 */
export function renderDashboardPage(template: string, view: DashboardView, context: PageContext): string {
  if (!template.includes(SUMMARY_SLOT)) throw new Error(`the dashboard template has no ${SUMMARY_SLOT}`);
  const summary = html`<div id="summary" data-watermark="${context.watermark}">
${ledger(view, context)}
<section id="accounts" aria-label="Escrow accounts">
${view.escrowAccounts.length === 0 ? html`<p class="muted">No escrow accounts yet.</p>` : view.escrowAccounts.map(account)}
</section>
<p id="generated" class="muted small">Data as of ${utc(view.generatedAt)} UTC.</p>
</div>`;
  return template.replace(SUMMARY_SLOT, () => summary.text);
}

function ledger(view: DashboardView, context: PageContext): Markup {
  const cp = view.checkpoint;
  const w = view.witnesses;
  return html`<section id="ledger" class="panel" aria-labelledby="ledger-title">
<h2 id="ledger-title">The ledger</h2>
<dl class="facts">
<div><dt>Transactions recorded</dt><dd data-ledger="transactions">${integer(view.ledger.transactions)}</dd></div>
<div><dt>Sealed in the hash chain</dt><dd data-ledger="sealed">${integer(view.ledger.sealed)}</dd></div>
<div class="wide"><dt>Chain head hash</dt><dd class="hash" data-ledger="headHash">${view.ledger.headHash ?? '—'}</dd></div>
</dl>
<h3>Latest signed checkpoint</h3>
${
  cp
    ? html`<dl id="checkpoint" class="facts">
<div><dt>Tree size</dt><dd data-checkpoint="treeSize">${integer(cp.treeSize)}</dd></div>
<div><dt>Signed at (UTC)</dt><dd data-checkpoint="timestamp" title="${cp.timestamp}">${utc(cp.timestamp)}</dd></div>
<div class="wide"><dt>Root hash (RFC 9162)</dt><dd class="hash" data-checkpoint="rootHash">${cp.rootHash}</dd></div>
<div class="wide"><dt>Ed25519 signature</dt><dd class="hash" data-checkpoint="signature">${cp.signature}</dd></div>
</dl>`
    : html`<p id="no-checkpoint" class="muted">No checkpoint has been signed yet.</p>`
}
${w.configured > 0 ? html`<p data-witnesses>Cosigned by <strong>${w.cosigned}</strong> of ${w.configured} independent witnesses (${w.quorum} needed).</p>` : null}
<p class="muted small" id="verify-hint">Check it from outside, with no software of ours: fetch <a href="/checkpoint">/checkpoint</a>, a standard
<a href="https://c2sp.org/tlog-checkpoint">C2SP checkpoint</a> signed note, and open it with any signed-note verifier, such as
Go's <a href="https://pkg.go.dev/golang.org/x/mod/sumdb/note"><code>golang.org/x/mod/sumdb/note</code></a>
(<code>note.Open(checkpoint, note.VerifierList(verifier))</code>), and the log's verifier key
<code class="hash" data-vkey>${context.vkey}</code> (also at <a href="/v1/public/checkpoints/key">the key endpoint</a>).
Inclusion receipts are C2SP tlog-proofs: <a href="/v1/public/proofs/receipt?chainIndex=0">/v1/public/proofs/receipt?chainIndex=…</a>.</p>
</section>`;
}

function account(a: DashboardAccount): Markup {
  const statusText = a.status === 'suspended' ? 'Suspended' : a.status === 'closed' ? 'Closed' : 'Active';
  const total = TRANCHE_STATUSES.reduce((n, s) => n + a.trancheCounts[s], 0);
  return html`<article class="panel account" data-account="${a.id}" aria-labelledby="account-${a.id}">
<header class="account-head">
<h2 id="account-${a.id}">${a.name}</h2>
<div class="meta"><span class="badge account-${a.status}" data-account-status="${a.status}">${statusText}</span>${a.country ? html`<span class="muted">${a.country}</span>` : null}</div>
</header>
${a.status === 'suspended' ? html`<p class="notice warn">This account is suspended after a reported violation: no release can be requested or approved until it is resumed.</p>` : null}
<dl class="figures">
${FIGURES.map(
  ([key, label]) =>
    html`<div class="figure figure-${key}"><dt>${label} <span class="currency">${a.currency}</span></dt><dd><span class="amount" data-figure="${key}">${groupDigits(a.balances[key])}</span></dd></div>`,
)}
</dl>
${chart(a)}
${byCategoryPhase(a)}
<h3>Tranches</h3>
<p class="tranche-counts" data-tranche-total="${total}">${integer(total)} ${total === 1 ? 'tranche' : 'tranches'}${total > 0 ? ': ' : '.'}${TRANCHE_STATUSES.filter((s) => a.trancheCounts[s] > 0).map(
    (s, i) => html`${i > 0 ? ' · ' : ''}<span data-tranche-count="${s}">${integer(a.trancheCounts[s])}</span> ${STATUS_LABELS[s]}`,
  )}</p>
${
  total > 0
    ? html`<div class="tranche-list" data-tranches-for="${a.id}"></div>
<p class="tranche-more"><a class="button" data-show-tranches="${a.id}" href="/v1/public/escrow-accounts/${a.id}/tranches">Show the tranches</a></p>`
    : null
}
</article>`;
}

/** Scale of the currency, as the amounts carry it ("0.00" → 2, "0" → 0). */
const scaleOf = (amount: string) => amount.split('.')[1]?.length ?? 0;

function chart(a: DashboardAccount): Markup {
  const rows = TRANCHE_CATEGORIES.map((category) => {
    const groups = a.byCategoryPhase.filter((g) => g.category === category && !new Decimal(g.amount).isZero());
    const total = groups.reduce((s, g) => s.plus(g.amount), new Decimal(0));
    return { category, groups, total };
  }).filter((r) => r.groups.length > 0);
  if (rows.length === 0) {
    return html`<figure class="chart"><figcaption>Committed funds by category and phase (${a.currency})</figcaption><p class="muted">No funds committed to tranches yet.</p></figure>`;
  }
  const scale = scaleOf(rows[0].groups[0].amount);
  const max = rows.reduce((m, r) => Decimal.max(m, r.total), new Decimal(0)).toFixed(scale);
  const phases = [...new Set(rows.flatMap((r) => r.groups.map((g) => g.phase)))].sort((x, y) => x - y);
  const phaseClass = (phase: number) => `phase-${((phase - 1) % 6) + 1}`;
  return html`<figure class="chart" aria-label="Committed and released funds by category and phase">
<figcaption>Committed funds by category and phase (${a.currency}); the figures are in the table below</figcaption>
${rows.map(
  (r) => html`<div class="bar"><span class="bar-label">${CATEGORY_LABELS[r.category]}</span><span class="track">${r.groups.map(
    (g) =>
      html`<span class="segment ${phaseClass(g.phase)}" style="width: ${percentOf(g.amount, max)}%" data-chart-category="${g.category}" data-chart-phase="${g.phase}" title="${CATEGORY_LABELS[g.category]}, phase ${g.phase}: ${groupDigits(g.amount)} ${a.currency} committed, ${groupDigits(g.released)} released"></span>`,
  )}</span></div>`,
)}
<ul class="legend">${phases.map((p) => html`<li><span class="swatch ${phaseClass(p)}"></span>Phase ${p}</li>`)}</ul>
</figure>`;
}

function byCategoryPhase(a: DashboardAccount): Markup | null {
  if (a.byCategoryPhase.length === 0) return null;
  return html`<div class="table-wrap"><table class="tranches money" aria-label="Committed, released and held funds by phase and category (${a.currency})">
<thead><tr><th scope="col">Phase</th><th scope="col">Category</th><th scope="col" class="num">Committed (${a.currency})</th><th scope="col" class="num">Released (${a.currency})</th><th scope="col" class="num">Held (${a.currency})</th></tr></thead>
<tbody>${a.byCategoryPhase.map(
    (g) => html`<tr data-group="${g.category}/${g.phase}">
<td data-label="Phase" data-cell="phase">${g.phase}</td>
<td data-label="Category" data-cell="category">${CATEGORY_LABELS[g.category] ?? g.category}</td>
<td data-label="Committed" data-cell="amount" class="num">${groupDigits(g.amount)}</td>
<td data-label="Released" data-cell="released" class="num">${groupDigits(g.released)}</td>
<td data-label="Held" data-cell="held" class="num">${groupDigits(new Decimal(g.amount).minus(g.released).toFixed(scaleOf(g.amount)))}</td>
</tr>`,
  )}</tbody>
</table></div>`;
}
