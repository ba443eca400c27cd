import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { CheckpointService } from '../../src/attestation/checkpoints/checkpoint.service';
import { registerProofVerifyCommand } from '../../src/attestation/verifier/proof-verify.command';
import { UsageError, verifyProofs, VerifyReport } from '../../src/attestation/verifier/proof-verifier';
import { TestApp, TestPrincipal } from '../support/test-app';
import { postEvents, randomSeed, startTransparencyApp } from '../support/transparency';

const ROOT = resolve(__dirname, '../..');
/** The built CLI (`npm test` builds dist/ first); TRANSPARENCY_CLI points elsewhere when dist/ is stale. */
const CLI = process.env.TRANSPARENCY_CLI ?? join(ROOT, 'dist/cli.js');

/** Asynchronous: the service answering the CLI runs in this very process. */
function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

const failed = (report: VerifyReport) => report.checks.filter((c) => !c.ok).map((c) => c.check);

describe('the outside verifier (proof:verify)', () => {
  const seed = randomSeed();
  let t: TestApp;
  let url: string;
  let auditor: TestPrincipal;
  let dir: string;
  let publicKey: string;

  async function checkpoint() {
    await t.seal();
    return (await t.app.get(CheckpointService).produce({ force: true }))!;
  }

  beforeAll(async () => {
    t = await startTransparencyApp({ CHECKPOINT_PRIVATE_KEY: seed });
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    auditor = await t.principal('auditor');
    dir = mkdtempSync(join(tmpdir(), 'aid-escrow-verify-'));
    await postEvents(t, 11);
    await checkpoint();
    publicKey = (await t.http().get('/v1/public/checkpoints/key')).body.publicKey;
  });
  afterAll(() => t.close());

  it('verifies the latest checkpoint and an inclusion proof fetched from the service', async () => {
    const report = await verifyProofs({ url, publicKey, chainIndex: 4 });
    expect(report).toMatchObject({ ok: true, treeSize: 14 }); // 11 events and the 3 that made the auditor
    expect(report.checks.map((c) => c.check)).toEqual(['checkpoint signature', 'inclusion']);
  });

  it('warns when the key comes from the service itself rather than being pinned', async () => {
    const report = await verifyProofs({ url });
    expect(report.ok).toBe(true);
    expect(report.checks[0]).toMatchObject({ check: 'key', detail: expect.stringContaining('pin it') });
  });

  it('fails the signature check with another key, and with a checkpoint whose root was altered', async () => {
    const other = Buffer.alloc(32, 7).toString('base64');
    // Any 32 bytes that are a valid point; if not, the key is refused as a usage error.
    const wrongKey = await verifyProofs({ url, publicKey: other }).catch((e) => e);
    if (wrongKey instanceof UsageError) expect(wrongKey.message).toContain('public key');
    else expect(failed(wrongKey)).toEqual(['checkpoint signature']);

    const head = (await t.http().get('/v1/public/checkpoints/latest')).body;
    const altered = join(dir, 'altered.json');
    writeFileSync(altered, JSON.stringify({ ...head, rootHash: '00'.repeat(32) }));
    expect(failed(await verifyProofs({ url, publicKey, checkpoint: altered }))).toEqual(['checkpoint signature']);
  });

  it('re-hashes a transaction from the ledger API and proves it is in the signed tree; a changed body fails', async () => {
    const page = await t.http().get('/v1/ledger/transactions?limit=5').set(auditor.auth).expect(200);
    const transaction = page.body.items.find((item: { chainIndex: number }) => item.chainIndex === 2);
    const file = join(dir, 'transaction.json');
    writeFileSync(file, JSON.stringify(transaction));
    const report = await verifyProofs({ url, publicKey, transaction: file });
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.check)).toEqual(['checkpoint signature', 'transaction body', 'leaf', 'inclusion']);

    writeFileSync(file, JSON.stringify({ ...transaction, body: { ...transaction.body, details: { note: 'rewritten' } } }));
    expect(failed(await verifyProofs({ url, publicKey, transaction: file }))).toEqual(['transaction body']);

    // A transaction proven at another position: its leaf is not the one at that index.
    expect(failed(await verifyProofs({ url, publicKey, chainIndex: 3, contentHash: transaction.contentHash }))).toEqual(['leaf']);
  });

  it('reports an unsealed transaction, or one the checkpoint does not cover yet, as not yet provable', async () => {
    const file = join(dir, 'unsealed.json');
    writeFileSync(file, JSON.stringify({ chainIndex: null, contentHash: '00'.repeat(32), body: {} }));
    expect(failed(await verifyProofs({ url, publicKey, transaction: file }))).toEqual(['transaction body', 'inclusion']);
    const later = await verifyProofs({ url, publicKey, chainIndex: 14 });
    expect(later.checks[1]).toMatchObject({ check: 'inclusion', ok: false, detail: expect.stringContaining('next checkpoint') });
  });

  it('proves the next checkpoint extends a saved one, and works from JSON files alone', async () => {
    const saved = join(dir, 'saved.json');
    expect((await verifyProofs({ url, publicKey, saveCheckpoint: saved })).ok).toBe(true);
    expect(JSON.parse(readFileSync(saved, 'utf8')).treeSize).toBe(14);

    await postEvents(t, 6);
    await checkpoint();
    const report = await verifyProofs({ url, publicKey, oldCheckpoint: saved, chainIndex: 18 });
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.check === 'consistency')?.detail).toContain('tree 20 extends tree 14');

    // Offline: every input saved beforehand, no URL.
    const files = {
      keyFile: join(dir, 'key.json'),
      checkpoint: join(dir, 'cp.json'),
      inclusion: join(dir, 'inclusion.json'),
      consistency: join(dir, 'consistency.json'),
    };
    writeFileSync(files.keyFile, JSON.stringify((await t.http().get('/v1/public/checkpoints/key')).body));
    writeFileSync(files.checkpoint, JSON.stringify((await t.http().get('/v1/public/checkpoints/latest')).body));
    writeFileSync(files.inclusion, JSON.stringify((await t.http().get('/v1/public/proofs/inclusion?chainIndex=5&treeSize=20')).body));
    writeFileSync(files.consistency, JSON.stringify((await t.http().get('/v1/public/proofs/consistency?from=14&to=20')).body));
    const offline = await verifyProofs({ ...files, oldCheckpoint: saved }, () => Promise.reject(new Error('no network expected')));
    expect(offline.ok).toBe(true);
    expect(offline.checks.map((c) => c.check)).toEqual(['checkpoint signature', 'inclusion', 'old checkpoint signature', 'consistency']);

    // A tampered path element fails.
    const proof = JSON.parse(readFileSync(files.consistency, 'utf8'));
    proof.path[0] = proof.path[0].replace(/^./, (c: string) => (c === 'f' ? '0' : 'f'));
    writeFileSync(files.consistency, JSON.stringify(proof));
    expect(failed(await verifyProofs({ ...files, oldCheckpoint: saved }))).toEqual(['consistency']);
  });

  it('detects a fork: a checkpoint signed with the same key over a different history is not extended', async () => {
    // The operator keeps a second ledger with the same key and shows one auditor a different past.
    const fork = await startTransparencyApp({ CHECKPOINT_PRIVATE_KEY: seed });
    try {
      await postEvents(fork, 12);
      await fork.seal();
      const forked = await fork.app.get(CheckpointService).produce({ force: true });
      const saved = join(dir, 'forked.json');
      writeFileSync(saved, JSON.stringify(forked));
      const report = await verifyProofs({ url, publicKey, oldCheckpoint: saved });
      expect(failed(report)).toEqual(['consistency']);

      // And a saved checkpoint larger than the service's latest means the log was rolled back.
      await postEvents(fork, 20);
      await fork.seal();
      writeFileSync(saved, JSON.stringify(await fork.app.get(CheckpointService).produce({ force: true })));
      const rollback = await verifyProofs({ url, publicKey, oldCheckpoint: saved });
      expect(rollback.checks.find((c) => c.check === 'consistency')?.detail).toContain('rolled back');
    } finally {
      await fork.close();
    }
  });

  it('is wired into the command line: options map to the verifier, one JSON line, exit code 0 or 1', async () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    try {
      const program = new Command().exitOverride();
      registerProofVerifyCommand(program);
      await program.parseAsync(['proof:verify', '--url', url, '--public-key', publicKey, '--chain-index', '3'], { from: 'user' });
      expect(process.exitCode).toBe(0);
      await program.parseAsync(['proof:verify', '--url', url, '--public-key', Buffer.from(publicKey, 'base64').reverse().toString('base64')], { from: 'user' }).catch(() => undefined);
    } finally {
      write.mockRestore();
      process.exitCode = 0;
    }
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toMatchObject({ ok: true, treeSize: expect.any(Number) });
    expect(JSON.parse(lines[1]).ok).toBe(false);
  });

  it('runs as `node dist/cli.js proof:verify` with no database configured', async () => {
    const result = await runCli(['proof:verify', '--url', url, '--public-key', publicKey, '--chain-index', '0']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });

    const bad = await runCli(['proof:verify', '--url', url, '--chain-index', 'x']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--chain-index');
  });
});
