import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase } from '../support/database';
import { startTestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const MAIN = join(ROOT, 'dist/main.js');

function cli(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function waitForHealth(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not become healthy');
}

describe('command line (dist/cli.js, built by pretest)', () => {
  it('principal:create prints one JSON line with a working key; the organization is created once', async () => {
    const url = await createTestDatabase();
    const first = cli(['principal:create', '--name', 'Ada', '--role', 'admin', '--org', 'Escrow Office'], { DATABASE_URL: url });
    expect(first.status).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const ada = JSON.parse(lines[0]);
    expect(ada).toEqual({ id: expect.any(String), name: 'Ada', role: 'admin', organizationId: expect.any(String), apiKey: expect.stringMatching(/^ael_/) });

    const second = JSON.parse(cli(['principal:create', '--name', 'Grace', '--role', 'admin', '--org', 'Escrow Office'], { DATABASE_URL: url }).stdout);
    expect(second.organizationId).toBe(ada.organizationId);

    const t = await startTestApp({ DATABASE_URL: url });
    try {
      const res = await t.http().post('/v1/organizations').set('Authorization', `Bearer ${ada.apiKey}`).send({ name: 'Relief Fund', type: 'donor' });
      expect(res.status).toBe(201);
      // Names are not unique (ids are): --org names the oldest organization of that name.
      const namesake = await t.http().post('/v1/organizations').set('Authorization', `Bearer ${ada.apiKey}`).send({ name: 'Escrow Office', type: 'admin' });
      expect(namesake.status).toBe(201);
      const third = JSON.parse(cli(['principal:create', '--name', 'Hedy', '--role', 'admin', '--org', 'Escrow Office'], { DATABASE_URL: url }).stdout);
      expect(third.organizationId).toBe(ada.organizationId);
    } finally {
      await t.close();
    }
  });

  it('refuses a bad role and a bad configuration with a message and a non-zero exit', async () => {
    const url = await createTestDatabase();
    const badRole = cli(['principal:create', '--name', 'X', '--role', 'king', '--org', 'Y'], { DATABASE_URL: url });
    expect(badRole.status).not.toBe(0);
    expect(badRole.stderr).toContain('--role');
    const badConfig = cli(['ledger:verify'], { DATABASE_URL: url, DB_POOL_SIZE: 'many' });
    expect(badConfig.status).not.toBe(0);
    expect(badConfig.stderr).toContain('DB_POOL_SIZE');
  });

  it('ledger:verify prints the result as one JSON line and exits 0 when intact', async () => {
    const url = await createTestDatabase();
    const result = cli(['ledger:verify'], { DATABASE_URL: url });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, transactions: 0, firstBrokenSeq: null });
  });

  it('the server refuses to start on a bad configuration, naming the variable', () => {
    const result = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH, PORT: 'eighty' }, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT');
  });

  // The embedded default: the CLI and the server share one PostgreSQL in DATA_DIR.
  it('with no DATABASE_URL, the CLI and the server share the embedded PostgreSQL in DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aid-escrow-cli-'));
    chmodSync(dataDir, 0o755);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port), LOG_LEVEL: 'silent' };
    try {
      // Server not running: the CLI starts the embedded server for itself and stops it after.
      const ada = JSON.parse(cli(['principal:create', '--name', 'Ada', '--role', 'admin', '--org', 'Escrow Office'], env).stdout);

      const httpPort = port + 1;
      const server = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, ...env, PORT: String(httpPort) }, stdio: 'ignore' });
      try {
        await waitForHealth(httpPort);
        // Server running: the CLI attaches to its PostgreSQL instead of starting a second one.
        const grace = cli(['principal:create', '--name', 'Grace', '--role', 'auditor', '--org', 'Audit Office'], env);
        expect(grace.status).toBe(0);
        const key = JSON.parse(grace.stdout).apiKey;
        const verify = await fetch(`http://127.0.0.1:${httpPort}/v1/ledger/verify`, { headers: { Authorization: `Bearer ${key}` } });
        expect(verify.status).toBe(200);
        const made = await fetch(`http://127.0.0.1:${httpPort}/v1/organizations`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${ada.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Relief Fund', type: 'donor' }),
        });
        expect(made.status).toBe(201);
      } finally {
        server.kill('SIGTERM');
        await new Promise((r) => server.once('exit', r));
      }
      // Data survived the restart: the first key still works from a fresh CLI run.
      expect(cli(['ledger:verify'], env).status).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
