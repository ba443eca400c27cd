import { request } from 'node:http';
import { startService } from './service';
import { createPrincipal } from './principals';
import { withClient } from './database';
async function main() {
  const url = process.env.URL!;
  const auditor = await withClient(url, (c) => createPrincipal(c, 'auditor', 'Audit ' + Math.random(), 'auditor'));
  const svc = await startService(url, { SEALER_INTERVAL_MS: '0', CHECKPOINT_INTERVAL_MS: '0' });
  const t0 = performance.now();
  let bytes = 0, lines = 0;
  await new Promise<void>((done, fail) => request(`${svc.url}/v1/ledger/export?format=${process.env.FMT ?? 'ndjson'}`, { headers: { authorization: auditor.auth } }, (res) => { res.on('data', (c: Buffer) => { bytes += c.length; for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) lines++; }); res.on('end', () => done()); res.on('error', fail); }).end());
  console.log('export', lines, 'lines', (bytes / 1048576).toFixed(0), 'MiB', ((performance.now() - t0) / 1000).toFixed(2), 's', 'rss', svc.peakRssMiB().toFixed(0));
  await svc.stop();
}
main();
