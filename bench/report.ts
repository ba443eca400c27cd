import { cpus, totalmem } from 'node:os';
import { ExportResults, VerifyResults } from './journal';
import { LoadResult } from './load';
import { ReadResults } from './reads';
import { WriteRow } from './writes';

export interface BenchReport {
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; postgres: string; database: string };
  config: Record<string, unknown>;
  writes: WriteRow[];
  reads?: ReadResults;
  verify?: VerifyResults;
  export?: ExportResults;
  /** Verify once more with --max-old-space-size: the memory it needs, not what V8 lets grow. */
  verifyCapped?: { heapCapMiB: number; perSecond: number; peakRssMiB: number };
  idleRssMiB?: number;
  /** Sections that failed, with their error. */
  failures: Record<string, string>;
  seconds: number;
}

export function machine(postgres: string, database: string) {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    postgres,
    database,
  };
}

interface Target {
  name: string;
  target: string;
  value: number;
  unit: string;
  met: boolean;
}

/**
 * Before issue 15 (README figures of 2026-11-25, the same bench): releases/s and the deposit p99
 * at 8 clients, against which "twice today's" and "no worse than today" are judged.
 */
const BEFORE = { releasesPerSecondAt8: 153, depositP99At8Ms: 47 };

export function targets(report: BenchReport): Target[] {
  const out: Target[] = [];
  const at8 = report.writes.find((w) => w.clients === 8);
  if (at8) out.push({ name: 'write ratio at 8 clients (deposits ÷ raw-SQL baseline)', target: '≥ 0.5', value: round(at8.ratio, 2), unit: '', met: at8.ratio >= 0.5 });
  const at32 = report.writes.find((w) => w.clients === 32);
  if (at32) out.push({ name: 'write ratio at 32 clients (deposits ÷ raw-SQL baseline)', target: '≥ 1.0', value: round(at32.ratio, 2), unit: '', met: at32.ratio >= 1 });
  if (at8) {
    const releases = at8.releases.rps;
    out.push({ name: 'releases/s at 8 clients (twice the 153/s before)', target: `≥ ${2 * BEFORE.releasesPerSecondAt8}/s`, value: Math.round(releases), unit: '/s', met: releases >= 2 * BEFORE.releasesPerSecondAt8 });
    out.push({ name: 'deposit p99 at 8 clients (no worse than before)', target: `≤ ${BEFORE.depositP99At8Ms} ms`, value: round(at8.deposits.p99, 0), unit: 'ms', met: at8.deposits.p99 <= BEFORE.depositP99At8Ms });
  }
  if (report.verify) {
    out.push({ name: 'verify', target: '≥ 100,000 tx/s', value: Math.round(report.verify.perSecond), unit: 'tx/s', met: report.verify.perSecond >= 100_000 });
    out.push({ name: 'verify peak RSS (default V8 heap)', target: '< 200 MiB', value: round(report.verify.peakRssMiB, 0), unit: 'MiB', met: report.verify.peakRssMiB < 200 });
  }
  if (report.verifyCapped) {
    const c = report.verifyCapped;
    out.push({ name: `verify peak RSS (--max-old-space-size=${c.heapCapMiB})`, target: '< 200 MiB', value: round(c.peakRssMiB, 0), unit: 'MiB', met: c.peakRssMiB < 200 });
  }
  if (report.reads) {
    const ratio = report.reads.dashboard.rps / report.reads.health.rps;
    out.push({ name: 'dashboard ÷ health throughput (full answers)', target: '≥ 0.5', value: round(ratio, 2), unit: '', met: ratio >= 0.5 });
    const gzipped = report.reads.dashboardGzip.rps / report.reads.health.rps;
    out.push({ name: 'dashboard ÷ health throughput (full answers, gzip)', target: '≥ 0.5', value: round(gzipped, 2), unit: '', met: gzipped >= 0.5 });
    const account = report.reads.escrow.rps / report.reads.health.rps;
    out.push({ name: 'escrow account ÷ health throughput', target: '≥ 0.5', value: round(account, 2), unit: '', met: account >= 0.5 });
    const revalidated = report.reads.dashboardConditional.rps / report.reads.health.rps;
    out.push({ name: 'dashboard ÷ health throughput (revalidations, 304)', target: '≥ 0.5', value: round(revalidated, 2), unit: '', met: revalidated >= 0.5 });
  }
  if (report.export) out.push({ name: 'export peak RSS', target: '< 200 MiB', value: round(report.export.peakRssMiB, 0), unit: 'MiB', met: report.export.peakRssMiB < 200 });
  return out;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)}`;
const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`);
const rate = (r: LoadResult) => `${n0(r.rps)}/s (p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms)${r.failed ? `, ${r.failed} failed` : ''}`;

/** The human table (Markdown, so it pastes into the README) followed by the JSON line. */
export function render(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.postgres} (${m.database}); load generator on the same cores.`);
  lines.push('');
  if (report.writes.length > 0) {
    lines.push('| clients | deposits (HTTP) | raw-SQL baseline | ratio | releases/s (request + approval) |');
    lines.push('| --- | --- | --- | --- | --- |');
    for (const w of report.writes) {
      lines.push(`| ${w.clients} | ${rate(w.deposits)} | ${rate(w.baseline)} | ${w.ratio.toFixed(2)} | ${rate(w.releases)} |`);
    }
    lines.push('');
    const cpu = (r: LoadResult) => r.cpu && [r.cpu.service, r.cpu.postgres, r.cpu.client];
    if (report.writes.some((w) => w.deposits.cpu?.postgres !== null && w.deposits.cpu?.postgres !== undefined)) {
      lines.push('| clients | CPU per deposit: service / PostgreSQL / load generator (µs) | CPU per baseline posting: PostgreSQL / client (µs) |');
      lines.push('| --- | --- | --- |');
      for (const w of report.writes) {
        const d = cpu(w.deposits) ?? [];
        const b = cpu(w.baseline) ?? [];
        lines.push(`| ${w.clients} | ${d.map((v) => (v === null ? '–' : n0(v))).join(' / ')} | ${[b[1], b[2]].map((v) => (v === null || v === undefined ? '–' : n0(v))).join(' / ')} |`);
      }
      lines.push('');
    }
  }
  if (report.reads) {
    const r = report.reads;
    lines.push(`| reads (${n0(r.tranches)} tranches; escrow account with ${n0(r.escrowTranches)}) | throughput | ratio to /health |`);
    lines.push('| --- | --- | --- |');
    lines.push(`| GET /health | ${rate(r.health)} | 1.00 |`);
    lines.push(`| GET /v1/public/dashboard (200, ${size(r.dashboardBytes)} each) | ${rate(r.dashboard)} | ${(r.dashboard.rps / r.health.rps).toFixed(2)} |`);
    lines.push(`| GET /v1/public/dashboard, Accept-Encoding: gzip (200, ${size(r.dashboardGzipBytes)} each) | ${rate(r.dashboardGzip)} | ${(r.dashboardGzip.rps / r.health.rps).toFixed(2)} |`);
    lines.push(`| GET /v1/public/dashboard, If-None-Match (304) | ${rate(r.dashboardConditional)} | ${(r.dashboardConditional.rps / r.health.rps).toFixed(2)} |`);
    lines.push(`| GET /v1/escrow-accounts/:id | ${rate(r.escrow)} | ${(r.escrow.rps / r.health.rps).toFixed(2)} |`);
    if (r.page) {
      lines.push(`| GET / (the page, figures rendered on the server), gzip (200, ${size(r.pageGzipBytes)} each) | ${rate(r.page)} | ${(r.page.rps / r.health.rps).toFixed(2)} |`);
      lines.push(`| GET /v1/public/escrow-accounts/:id/tranches?limit=200, first page (${size(r.tranchePageBytes)}) | ${rate(r.trancheFirstPage)} | ${(r.trancheFirstPage.rps / r.health.rps).toFixed(2)} |`);
      lines.push(`| the same, last page (keyset cursor) | ${rate(r.trancheLastPage)} | ${(r.trancheLastPage.rps / r.health.rps).toFixed(2)} |`);
    }
    lines.push('');
  }
  if (report.verify || report.export) {
    lines.push('| journal | transactions | time | rate | peak RSS of the service |');
    lines.push('| --- | --- | --- | --- | --- |');
    if (report.verify) {
      const v = report.verify;
      lines.push(`| verify | ${n0(v.transactions)} (${n0(v.sealed)} sealed) | ${v.seconds.toFixed(2)} s | ${n0(v.perSecond)} tx/s | ${n0(v.peakRssMiB)} MiB |`);
    }
    if (report.verifyCapped) {
      const c = report.verifyCapped;
      lines.push(`| verify, --max-old-space-size=${c.heapCapMiB} | | | ${n0(c.perSecond)} tx/s | ${n0(c.peakRssMiB)} MiB |`);
    }
    if (report.export) {
      const e = report.export;
      lines.push(`| export ndjson | ${n0(e.transactions)} (${n0(e.megabytes)} MiB) | ${e.seconds.toFixed(2)} s | ${n0(e.transactions / e.seconds)} tx/s | ${n0(e.peakRssMiB)} MiB |`);
    }
    if (report.idleRssMiB) lines.push(`\nA freshly started service peaks at ${n0(report.idleRssMiB)} MiB RSS before any request.`);
    lines.push('');
  }
  lines.push('| target | wanted | measured | met |');
  lines.push('| --- | --- | --- | --- |');
  for (const t of targets(report)) lines.push(`| ${t.name} | ${t.target} | ${t.value.toLocaleString('en-US')} ${t.unit} | ${t.met ? 'yes' : 'no'} |`);
  for (const [section, error] of Object.entries(report.failures)) lines.push(`\n**${section} failed**: ${error}`);
  lines.push('');
  lines.push(`(${report.seconds.toFixed(0)} s in all; medians of ${report.config.rounds} rounds)`);
  lines.push(JSON.stringify({ ...report, targets: targets(report) }));
  return lines.join('\n');
}
