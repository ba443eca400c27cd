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
  idleRssMiB?: number;
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

export function targets(report: BenchReport): Target[] {
  const out: Target[] = [];
  const at8 = report.writes.find((w) => w.clients === 8);
  if (at8) out.push({ name: 'write ratio at 8 clients (deposits ÷ raw-SQL baseline)', target: '≥ 0.5', value: round(at8.ratio, 2), unit: '', met: at8.ratio >= 0.5 });
  if (report.verify) {
    out.push({ name: 'verify', target: '≥ 250,000 tx/s', value: Math.round(report.verify.perSecond), unit: 'tx/s', met: report.verify.perSecond >= 250_000 });
    out.push({ name: 'verify peak RSS', target: '< 200 MiB', value: round(report.verify.peakRssMiB, 0), unit: 'MiB', met: report.verify.peakRssMiB < 200 });
  }
  if (report.reads) {
    const ratio = report.reads.dashboard.rps / report.reads.health.rps;
    out.push({ name: 'dashboard ÷ health throughput', target: '≥ 0.5', value: round(ratio, 2), unit: '', met: ratio >= 0.5 });
  }
  if (report.export) out.push({ name: 'export peak RSS', target: '< 200 MiB', value: round(report.export.peakRssMiB, 0), unit: 'MiB', met: report.export.peakRssMiB < 200 });
  return out;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)}`;
const rate = (r: LoadResult) => `${n0(r.rps)}/s (p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms)${r.failed ? `, ${r.failed} failed` : ''}`;

/** The human table (Markdown, so it pastes into the README) followed by the JSON line. */
export function render(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.postgres} (${m.database}); load generator on the same cores.`);
  lines.push('');
  lines.push('| writes | clients | service | raw-SQL baseline | ratio | releases (request + approval) |');
  lines.push('| --- | --- | --- | --- | --- | --- |');
  for (const w of report.writes) {
    lines.push(`| deposits | ${w.clients} | ${rate(w.deposits)} | ${rate(w.baseline)} | ${w.ratio.toFixed(2)} | ${rate(w.releases)} |`);
  }
  lines.push('');
  if (report.reads) {
    const r = report.reads;
    lines.push(`| reads (${n0(r.tranches)} tranches; escrow account with ${n0(r.escrowTranches)}) | throughput | ratio to /health |`);
    lines.push('| --- | --- | --- |');
    lines.push(`| GET /health | ${rate(r.health)} | 1.00 |`);
    lines.push(`| GET /v1/public/dashboard | ${rate(r.dashboard)} | ${(r.dashboard.rps / r.health.rps).toFixed(2)} |`);
    lines.push(`| GET /v1/public/dashboard, If-None-Match (304) | ${rate(r.dashboardConditional)} | ${(r.dashboardConditional.rps / r.health.rps).toFixed(2)} |`);
    lines.push(`| GET /v1/escrow-accounts/:id | ${rate(r.escrow)} | ${(r.escrow.rps / r.health.rps).toFixed(2)} |`);
    lines.push('');
  }
  if (report.verify || report.export) {
    lines.push('| journal | transactions | time | rate | peak RSS of the service |');
    lines.push('| --- | --- | --- | --- | --- |');
    if (report.verify) {
      const v = report.verify;
      lines.push(`| verify | ${n0(v.transactions)} (${n0(v.sealed)} sealed) | ${v.seconds.toFixed(2)} s | ${n0(v.perSecond)} tx/s | ${n0(v.peakRssMiB)} MiB |`);
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
  lines.push('');
  lines.push(`(${report.seconds.toFixed(0)} s in all; medians of ${report.config.rounds} rounds)`);
  lines.push(JSON.stringify({ ...report, targets: targets(report) }));
  return lines.join('\n');
}
