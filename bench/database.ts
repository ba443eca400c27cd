import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { freePort } from './service';

export interface BenchDatabase {
  /** The fresh database the service and the baseline share. */
  url: string;
  /** Where it runs, for the report. */
  server: string;
  drop(): Promise<void>;
}

/**
 * A fresh database: on DATABASE_URL's server when given (a new database beside the one named,
 * dropped afterwards), else an embedded PostgreSQL in a temporary folder.
 */
export async function openBenchDatabase(log: (m: string) => void): Promise<BenchDatabase> {
  const given = process.env.DATABASE_URL;
  if (given) {
    const name = `aid_bench_${randomBytes(4).toString('hex')}`;
    await adminQuery(given, `CREATE DATABASE ${name}`);
    const url = new URL(given);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      server: `DATABASE_URL server (${url.host}), database ${name}`,
      drop: () => adminQuery(given, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'aid-escrow-bench-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach its data
  log(`starting an embedded PostgreSQL in ${dir}`);
  const embedded = await startEmbeddedPostgres(dir, await freePort());
  return {
    url: embedded.url,
    server: 'embedded PostgreSQL (embedded-postgres, default settings)',
    drop: async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A short-lived connection for seeding and checks. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
