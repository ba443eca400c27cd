import { openBenchDatabase } from './database';
import { startService } from './service';
import { cpuSplit } from './cpu';
async function main() {
  const db = await openBenchDatabase(console.error);
  const svc = await startService(db.url, { LOG_LEVEL: 'warn' });
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const a = cpuSplit(svc.pid);
    await new Promise((r) => setTimeout(r, 5000));
    const b = cpuSplit(svc.pid);
    console.log('idle cpu ms per s', (b.user - a.user) / 5, (b.system - a.system) / 5);
  } finally { await svc.stop(); await db.drop(); }
}
main();
