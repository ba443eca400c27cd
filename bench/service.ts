import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, AddressInfo } from 'node:net';
import { resolve } from 'node:path';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

/** The built service: dist/main.js by default (what `npm run bench` builds), or BENCH_SERVICE_MAIN. */
export function serviceMain(): string {
  return resolve(process.env.BENCH_SERVICE_MAIN ?? resolve(__dirname, '../../dist/main.js'));
}

const running = new Set<ChildProcess>();
// A bench that fails half-way leaves no service behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Extra node flags for the service, e.g. BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
function nodeArgs(): string[] {
  return (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

export interface RunningService {
  url: string;
  pid: number;
  /** Peak resident set size of the service process so far, in MiB (VmHWM). */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

/**
 * Starts one service process on `databaseUrl` (its own process: the load generator runs in
 * this one) and waits until /health answers.
 */
export async function startService(databaseUrl: string, env: Record<string, string> = {}, flags: string[] = []): Promise<RunningService> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs(), ...flags, serviceMain()], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // The bench measures throughput, not the abuse limit: set it out of reach (the guard still runs).
      RATE_LIMIT_PER_MINUTE: '100000000',
      ...env,
    },
    stdio: ['ignore', process.env.BENCH_SERVICE_LOG ? 'inherit' : 'ignore', 'inherit'],
  });
  running.add(child);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => running.delete(child));
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode} before answering /health`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 600) throw new Error('service did not answer /health within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    peakRssMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      return kib / 1024;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
