import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Money } from '../../src/common/money/money';
import { AppConfig } from '../../src/config/app-config';
import { Database } from '../../src/database/database';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { LedgerAccountRef, LedgerAccounts } from '../../src/ledger/ledger-accounts';
import { LedgerEvent, PostedTransaction } from '../../src/ledger/ledger-event';
import { LedgerService } from '../../src/ledger/ledger.service';
import { SealerService } from '../../src/ledger/sealer.service';
import { VerifyService } from '../../src/ledger/verify.service';
import { superuserClient } from './database';

/** A DataSource on a test database: one per simulated app instance (its own pool). */
export async function openDataSource(url: string, poolSize = 2): Promise<DataSource> {
  const config = Object.assign(new AppConfig(), { DATABASE_URL: url, DB_POOL_SIZE: poolSize });
  return new DataSource(dataSourceOptions(config)).initialize();
}

/** The ledger's services without the HTTP app, as one instance would hold them. */
export function ledgerServices(dataSource: DataSource) {
  const config = Object.assign(new AppConfig(), { SEALER_INTERVAL_MS: 0 });
  return {
    ledger: new LedgerService(),
    sealer: new SealerService(new Database(dataSource), config),
    verifier: new VerifyService(new Database(dataSource)),
  };
}

const ledger = new LedgerService();

/**
 * Seals until `expected` transactions were chained (5 s at most) and returns how many were.
 * The sealer rightly holds back what committed after a transaction still running in this
 * database, and autovacuum's ANALYZE can be one for a few milliseconds: one sealing pass right
 * after a commit may chain nothing yet. A count above `expected`, or below it after the wait,
 * still fails the test's assertion.
 */
export async function sealExpecting(sealer: SealerService, expected: number): Promise<number> {
  let sealed = await sealer.sealPending();
  for (const deadline = Date.now() + 5000; sealed < expected && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 20));
    sealed += await sealer.sealPending();
  }
  return sealed;
}

/** Posts `event` in a transaction of its own, as a workflow would inside its request. */
export function postInTransaction(dataSource: DataSource, event: LedgerEvent): Promise<PostedTransaction> {
  return dataSource.transaction((manager) => ledger.post(manager, event));
}

/** Accounts for tests: a donor source (external) and escrow/tranche/recipient accounts. */
export const accounts = {
  donor: (n: number | string, currency = 'USD') => LedgerAccounts.donorSource(uuidOf(`d${n}`), currency),
  escrow: (n: number | string, currency = 'USD') => LedgerAccounts.escrowUnallocated(uuidOf(`e${n}`), uuidOf('d0'), currency),
  tranche: (n: number | string, currency = 'USD') => LedgerAccounts.tranche(uuidOf('e0'), uuidOf(`t${n}`), currency),
  recipient: (n: number | string, currency = 'USD') => LedgerAccounts.recipient(uuidOf(`r${n}`), currency),
};

/** A stable, valid-looking UUID for a short label, so account codes read well in failures. */
export function uuidOf(label: string): string {
  const hex = Buffer.from(label).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A money-moving event: `amount` from `from` to `to`. */
export function moveEvent(from: LedgerAccountRef, to: LedgerAccountRef, amount: string, kind: LedgerEvent['kind'] = 'deposit'): LedgerEvent {
  const money = Money.of(amount, from.currency);
  return {
    kind,
    actorPrincipalId: null,
    postings: [
      { account: from, amount: money.negated() },
      { account: to, amount: money },
    ],
  };
}

/**
 * Runs SQL as the superuser with triggers (and foreign keys) off, as an attacker with
 * database access would: for tests that check that verification notices tampering.
 */
export async function tamper(url: string, sql: string, params: unknown[] = []): Promise<number> {
  const client = await superuserClient(url);
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL session_replication_role = replica`);
    // Several statements answer with one result each: count the rows they all touched.
    const results = [(await client.query(sql, params)) as unknown].flat() as { rowCount: number | null }[];
    await client.query('COMMIT');
    return results.reduce((n, r) => n + (r.rowCount ?? 0), 0);
  } finally {
    await client.end();
  }
}

/** One query on a fresh superuser connection. */
export async function sql<Row = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<Row[]> {
  const client: Client = await superuserClient(url);
  try {
    return (await client.query(text, params)).rows as Row[];
  } finally {
    await client.end();
  }
}

/**
 * The built command line: dist/cli.js (built by `npm test`'s pretest, what CI runs), or the
 * build named by AID_ESCROW_CLI (e.g. a build in a temporary outDir).
 */
export function cliPath(): string {
  const path = process.env.AID_ESCROW_CLI ?? resolve(__dirname, '../../dist/cli.js');
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`npm run build\` (or set AID_ESCROW_CLI to a built cli.js)`);
  }
  return path;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `env` added to this process's environment. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliPath(), ...args], {
      // NODE_PATH: a build in a temporary outDir still finds the project's packages.
      env: { ...process.env, LOG_LEVEL: 'silent', NODE_PATH: resolve(__dirname, '../../node_modules'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}
