import canonicalize from 'canonicalize';
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, KeyObject, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointService } from '../../src/attestation/checkpoints/checkpoint.service';
import { rawEd25519PublicKey } from '../../src/tlog/c2sp/ed25519';
import { verifyProofs } from '../../src/attestation/verifier/proof-verifier';
import { snapshotOf } from '../../src/database/database';
import { LedgerService } from '../../src/ledger/ledger.service';
import { statementMessage } from '../../src/ledger/signed-statement';
import { VerifyService } from '../../src/ledger/verify.service';
import { signStatement } from '../../src/statements/statement.command';
import { superuserClient } from '../support/database';
import { TestApp, TestPrincipal } from '../support/test-app';
import { startTransparencyApp } from '../support/transparency';
import { CLI, tmp } from '../support/witness-process';
import { allocate, Cast, createCast, createEscrowAccount, databaseState, deposit, readJournal } from '../support/workflow';

/**
 * Signed statements (API.md, "Signed statements"): a monitor registers an Ed25519 key; from then
 * on its sign-offs must be signed by it over exactly the body it sends; the journal keeps each
 * statement and signature, and verification (GET /v1/ledger/verify, and proof:verify on an
 * export) re-checks them against the key the journal registered, so a sign-off the monitor never
 * signed cannot be put in the journal by whoever runs the database.
 */

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
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

const publicKeyOf = (key: KeyObject) => rawEd25519PublicKey(key).toString('base64');
const keyIdOf = (key: KeyObject) => createHash('sha256').update(rawEd25519PublicKey(key)).digest('hex');

describe('signed statements', () => {
  let t: TestApp;
  let cast: Cast;
  let monitor: TestPrincipal;
  let benchmarkId: string;
  let otherBenchmarkId: string;
  const key = generateKeyPairSync('ed25519').privateKey;
  const stranger = generateKeyPairSync('ed25519').privateKey;

  const signoff = (body: object, who = monitor, benchmark = benchmarkId) => t.http().post(`/v1/benchmarks/${benchmark}/signoffs`).set(who.auth).send(body);
  const register = (who: TestPrincipal, publicKey: string) => t.http().post('/v1/principals/me/signing-keys').set(who.auth).send({ publicKey });

  beforeAll(async () => {
    t = await startTransparencyApp();
    cast = await createCast(t);
    monitor = cast.monitors[0];
    const escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '500.00');
    const trancheId = await allocate(t, cast.donorA, escrowId, { amount: '300.00', recipientOrganizationId: cast.recipientId });
    const add = async (kind: string) =>
      (await t.http().post(`/v1/tranches/${trancheId}/benchmarks`).set(cast.admin.auth).send({ kind, description: `${kind} checked` }).expect(201)).body.id;
    benchmarkId = await add('humanitarian_access');
    otherBenchmarkId = await add('anti_corruption');
  });
  afterAll(() => t.close());

  it('a principal without a key signs off as before, and may not send a signature it could not have', async () => {
    await signoff({ decision: 'approve', evidence: 'site visit' }).expect(201);
    const before = await databaseState(t);
    const res = await signoff(signStatement(key, 'benchmark.signoff', benchmarkId, { decision: 'approve' })).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'SIGNATURE_INVALID' });
    expect(res.body.message).toMatch(/registered no signing key/);
    expect(await databaseState(t)).toEqual(before);
  });

  it('registers a key once, journaled; the same key again is a no-op; another key, or one already taken, is refused', async () => {
    const res = await register(monitor, publicKeyOf(key)).expect(201);
    expect(res.body).toEqual({ keyId: keyIdOf(key) });
    const journal = await readJournal(t, cast.auditor);
    const registered = journal.filter((tx) => tx.kind === 'signing_key_registered');
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({
      actorPrincipalId: monitor.id,
      body: { refs: { principalId: monitor.id }, details: { publicKey: publicKeyOf(key), keyId: keyIdOf(key), algorithm: 'Ed25519' } },
    });

    const before = await databaseState(t);
    expect((await register(monitor, publicKeyOf(key)).expect(201)).body).toEqual({ keyId: keyIdOf(key) });
    expect((await register(monitor, publicKeyOf(stranger)).expect(409)).body.code).toBe('SIGNING_KEY_REGISTERED');
    expect((await register(cast.monitors[1], publicKeyOf(key)).expect(409)).body.code).toBe('SIGNING_KEY_IN_USE');
    expect((await register(cast.admin, 'not a key').expect(400)).body.message).toMatch(/publicKey/);
    await t.http().post('/v1/principals/me/signing-keys').send({ publicKey: publicKeyOf(stranger) }).expect(401);
    expect(await databaseState(t)).toEqual(before);
  });

  it('from then on refuses a sign-off that is unsigned, signed by another key, stale, for another body or another target: 400, nothing changed', async () => {
    const before = await databaseState(t);
    const body = { decision: 'approve', evidence: 'second visit' };
    const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);
    const cases: [string, object, RegExp][] = [
      ['unsigned', body, /must carry signedAt and signature/],
      ['signedAt only', { ...body, signedAt: new Date().toISOString() }, /must carry signedAt and signature/],
      ['another key', signStatement(stranger, 'benchmark.signoff', benchmarkId, body), /does not verify/],
      ['stale signedAt', signStatement(key, 'benchmark.signoff', benchmarkId, body, minutesAgo(6)), /more than 5 minutes/],
      ['future signedAt', signStatement(key, 'benchmark.signoff', benchmarkId, body, minutesAgo(-6)), /more than 5 minutes/],
      ['no time zone', signStatement(key, 'benchmark.signoff', benchmarkId, { ...body, signedAt: '2027-01-01T00:00:00' }), /ISO 8601/],
      ['another body', { ...signStatement(key, 'benchmark.signoff', benchmarkId, body), decision: 'reject' }, /does not verify/],
      ['a field added', { ...signStatement(key, 'benchmark.signoff', benchmarkId, body), comment: 'added later' }, /does not verify/],
      ['another target', signStatement(key, 'benchmark.signoff', otherBenchmarkId, body), /does not verify/],
      ['another action', signStatement(key, 'release.approve', benchmarkId, body), /does not verify/],
      ['a bad signature', { ...signStatement(key, 'benchmark.signoff', benchmarkId, body), signature: 'AAAA' }, /does not verify/],
    ];
    for (const [label, sent, problem] of cases) {
      const res = await signoff(sent);
      expect({ label, status: res.status, code: res.body.code }).toEqual({ label, status: 400, code: 'SIGNATURE_INVALID' });
      expect({ label, message: res.body.message }).toEqual({ label, message: expect.stringMatching(problem) });
    }
    expect(await databaseState(t)).toEqual(before);
  });

  it('accepts a sign-off signed over exactly its body, and the journal keeps the statement and signature', async () => {
    const sent = signStatement(key, 'benchmark.signoff', benchmarkId, { decision: 'approve', evidence: 'second visit', comment: 'all clear' });
    const res = await signoff(sent).expect(201);
    expect(res.body.signoffs.find((s: { principalId: string }) => s.principalId === monitor.id)).toMatchObject({ decision: 'approve', evidence: 'second visit' });
    const tx = (await readJournal(t, cast.auditor)).filter((j) => j.kind === 'benchmark_signoff').pop()!;
    const { signature, ...unsigned } = sent as { signature: string };
    const statement = canonicalize({ ...unsigned, action: 'benchmark.signoff', targetId: benchmarkId })!;
    expect(tx.body.details).toEqual({ decision: 'approve', evidence: 'second visit', comment: 'all clear', evidenceFiles: [], statement, signature, signingKeyId: keyIdOf(key) });
    // The message is the contract's, byte for byte.
    expect(statementMessage(statement).toString('utf8')).toBe(`aid-escrow-ledger/statement/v1\n${statement}`);
    expect(verify(null, statementMessage(statement), createPublicKey(key), Buffer.from(signature, 'base64'))).toBe(true);
    // A replay of the same body (same Idempotency-Key) gives the first answer, no second effect.
    await t.http().post(`/v1/benchmarks/${benchmarkId}/signoffs`).set(monitor.auth).set('Idempotency-Key', 'signed-1').send(sent).expect(201);
    const count = (await readJournal(t, cast.auditor)).length;
    await t.http().post(`/v1/benchmarks/${benchmarkId}/signoffs`).set(monitor.auth).set('Idempotency-Key', 'signed-1').send(sent).expect(201);
    expect((await readJournal(t, cast.auditor)).length).toBe(count);
    expect((await t.http().get('/v1/ledger/verify').set(cast.auditor.auth).expect(200)).body).toMatchObject({ ok: true });
  });

  it('a key registered while the monitor\'s unsigned sign-offs race it: none of them lands after the registration', async () => {
    for (let round = 0; round < 3; round++) {
      const racer = await t.principal('monitor');
      const racerKey = generateKeyPairSync('ed25519').privateKey;
      const unsigned = Array.from({ length: 12 }, (_, i) => signoff({ decision: i % 2 ? 'approve' : 'reject' }, racer).then((r) => r.status));
      const registration = register(racer, publicKeyOf(racerKey)).then((r) => r.status);
      const statuses = await Promise.all([...unsigned, registration]);
      expect(statuses.pop()).toBe(201);
      // Those that ran before the registration were recorded; the rest were refused as unsigned.
      for (const status of statuses) expect([201, 400]).toContain(status);
      const verified = (await t.http().get('/v1/ledger/verify').set(cast.auditor.auth).expect(200)).body;
      expect(verified).toMatchObject({ ok: true, problem: null });
    }
  });

  it('`statement:sign` and `statement:key` on the command line make what the service accepts', async () => {
    const monitor2 = cast.monitors[1];
    const pem = join(tmp('aid-escrow-statement-key-'), 'me.pem');
    const mine = generateKeyPairSync('ed25519').privateKey;
    writeFileSync(pem, mine.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
    const printed = await cli(['statement:key', '--key', pem]);
    expect(printed.status).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual({ publicKey: publicKeyOf(mine), keyId: keyIdOf(mine) });
    await register(monitor2, publicKeyOf(mine)).expect(201);

    const signed = await cli(['statement:sign', '--key', pem, '--action', 'benchmark.signoff', '--target', otherBenchmarkId, '--body', '{"decision":"reject","comment":"invoices missing"}']);
    expect(signed.stderr).toBe('');
    expect(signed.status).toBe(0);
    const body = JSON.parse(signed.stdout);
    expect(body).toMatchObject({ decision: 'reject', comment: 'invoices missing', signedAt: expect.any(String), signature: expect.any(String) });
    await signoff(body, monitor2, otherBenchmarkId).expect(201);

    const bad = await cli(['statement:sign', '--key', pem, '--action', 'benchmark.approve', '--target', 'x', '--body', '{}']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--action');
  });

  describe('verification re-checks every statement against the key the journal registered', () => {
    let signoffSeq: number;
    let otherSeq: number;

    beforeAll(async () => {
      await signoff(signStatement(key, 'benchmark.signoff', otherBenchmarkId, { decision: 'approve', evidence: 'second visit', comment: 'all clear' }), monitor, otherBenchmarkId).expect(201);
      const signed = (await readJournal(t, cast.auditor)).filter((j) => j.kind === 'benchmark_signoff' && j.actorPrincipalId === monitor.id && 'signature' in j.body.details);
      signoffSeq = signed.find((j) => j.body.refs.benchmarkId === benchmarkId)!.seq;
      otherSeq = signed.find((j) => j.body.refs.benchmarkId === otherBenchmarkId)!.seq;
    });

    /** Rewrites a sign-off's body as an operator with the database would (hash recomputed), verifies, rolls back. */
    async function verifyRewritten(edit: (details: Record<string, unknown>) => void, seq = signoffSeq) {
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        await runner.query('SET LOCAL session_replication_role = replica');
        const [{ body }] = await runner.query(`SELECT body FROM journal_transactions WHERE seq = $1`, [seq]);
        const parsed = JSON.parse(body);
        edit(parsed.details);
        const text = canonicalize(parsed)!;
        await runner.query(`UPDATE journal_transactions SET body = $2, content_hash = sha256(convert_to($2, 'UTF8')) WHERE seq = $1`, [seq, text]);
        return await t.app.get(VerifyService).verifyIn(snapshotOf(runner));
      } finally {
        await runner.query('ROLLBACK');
        await runner.release();
      }
    }

    it.each<[string, (details: Record<string, unknown>) => void, RegExp]>([
      ['its signature replaced', (d) => (d.signature = signStatement(stranger, 'benchmark.signoff', 'x', {}).signature), /signature does not verify/],
      ['its statement and signature removed (a sign-off the monitor never signed)', (d) => (delete d.statement, delete d.signature, delete d.signingKeyId), /signed statement missing/],
      ['its decision changed', (d) => (d.decision = 'reject'), /its decision differs/],
      ['its evidence changed', (d) => (d.evidence = 'made up'), /its evidence differs/],
      ['another key id named', (d) => (d.signingKeyId = keyIdOf(stranger)), /names key/],
    ])('a sign-off with %s is found at its seq', async (_label, edit, problem) => {
      const result = await verifyRewritten(edit);
      expect(result).toMatchObject({ ok: false, firstBrokenSeq: signoffSeq, problem: expect.stringMatching(problem) });
    });

    it('a statement moved onto the sign-off of another benchmark is found there', async () => {
      const [{ body }] = await t.dataSource.query(`SELECT body FROM journal_transactions WHERE seq = $1`, [signoffSeq]);
      const genuine = JSON.parse(body).details;
      expect((await verifyRewritten(() => undefined)).ok).toBe(true); // rewriting the same text changes nothing
      const result = await verifyRewritten((d) => Object.assign(d, genuine), otherSeq);
      expect(result).toMatchObject({ ok: false, firstBrokenSeq: otherSeq, problem: expect.stringMatching(/targetId is not the benchmarkId/) });
    });

    it('a second key registered by the operator, to sign in the monitor\'s name, is found at its registration', async () => {
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        const raw = rawEd25519PublicKey(stranger);
        const [posted] = [
          await t.app.get(LedgerService).post(runner.manager, {
            kind: 'signing_key_registered',
            actorPrincipalId: monitor.id,
            refs: { principalId: monitor.id },
            details: { publicKey: raw.toString('base64'), keyId: keyIdOf(stranger), algorithm: 'Ed25519' },
          }),
        ];
        const result = await t.app.get(VerifyService).verifyIn(snapshotOf(runner));
        expect(result).toMatchObject({ ok: false, firstBrokenSeq: Number(posted.seq), problem: expect.stringMatching(/registered a second signing key/) });
      } finally {
        await runner.query('ROLLBACK');
        await runner.release();
      }
    });

    it('GET /v1/ledger/verify reports a tampered stored signature at its seq, and the export verifier does too', async () => {
      await t.seal();
      await t.app.get(CheckpointService).produce({ force: true });
      const dir = tmp('aid-escrow-statements-export-');
      const exportFile = join(dir, 'journal.ndjson');
      writeFileSync(exportFile, (await t.http().get('/v1/ledger/export?format=ndjson').set(cast.auditor.auth).expect(200)).text);
      const key = (await t.http().get('/v1/public/checkpoints/key')).body;
      await t.app.listen(0, '127.0.0.1');
      const url = await t.app.getUrl();
      const intact = await verifyProofs({ url, publicKey: key.publicKey, export: exportFile });
      expect(intact.checks.filter((c) => !c.ok)).toEqual([]);
      expect(intact.checks.find((c) => c.check === 'export signed statements')!.detail).toMatch(/^[1-9]\d* signed statements verify/);

      // The export, rewritten with its hash recomputed: the statement check names the seq.
      const lines = readFileSync(exportFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const forged = lines.map((l) => {
        if (l.seq !== signoffSeq) return l;
        const body = { ...l.body, details: { ...l.body.details, decision: 'reject' } };
        return { ...l, body, contentHash: createHash('sha256').update(canonicalize(body)!).digest('hex') };
      });
      writeFileSync(exportFile, forged.map((l) => JSON.stringify(l)).join('\n') + '\n');
      const report = await verifyProofs({ url, publicKey: key.publicKey, export: exportFile });
      const failedChecks = report.checks.filter((c) => !c.ok);
      expect(failedChecks.map((c) => c.check)).toEqual(['export signed statements', 'export tree']);
      expect(failedChecks[0].detail).toMatch(new RegExp(`^seq ${signoffSeq}: signed statement: its decision differs`));

      // The database itself, tampered for good (a superuser with triggers off): the API says where.
      const su = await superuserClient(t.url);
      try {
        await su.query('BEGIN');
        await su.query('SET LOCAL session_replication_role = replica');
        const [row] = (await su.query(`SELECT body FROM journal_transactions WHERE seq = $1`, [signoffSeq])).rows;
        const parsed = JSON.parse(row.body);
        const sig = Buffer.from(parsed.details.signature, 'base64');
        sig[10] ^= 1;
        parsed.details.signature = sig.toString('base64');
        const text = canonicalize(parsed)!;
        await su.query(`UPDATE journal_transactions SET body = $2, content_hash = sha256(convert_to($2, 'UTF8')) WHERE seq = $1`, [signoffSeq, text]);
        await su.query('COMMIT');
      } finally {
        await su.end();
      }
      const verify = (await t.http().get('/v1/ledger/verify').set(cast.auditor.auth).expect(200)).body;
      expect(verify).toMatchObject({ ok: false, firstBrokenSeq: signoffSeq, problem: expect.stringMatching(/signature does not verify/) });
    });
  });
});
