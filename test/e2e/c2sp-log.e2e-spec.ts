import canonicalize from 'canonicalize';
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointService } from '../../src/attestation/checkpoints/checkpoint.service';
import { ed25519Cosigner } from '../../src/tlog/c2sp/cosignature';
import { ed25519PrivateKeyFromSeed } from '../../src/tlog/c2sp/ed25519';
import { formatNote, ed25519NoteSigner, parseNote } from '../../src/tlog/c2sp/signed-note';
import { formatPolicy, parsePolicy, thresholdPolicy } from '../../src/tlog/c2sp/tlog-policy';
import { parseTlogProof, verifyTlogProof } from '../../src/tlog/c2sp/tlog-proof';
import { originHash } from '../../src/tlog/c2sp/witness/witness-state';
import { verifyProofs, VerifyReport } from '../../src/attestation/verifier/proof-verifier';
import { WitnessSubmitter } from '../../src/attestation/witnessing/witness-submitter';
import { superuserClient } from '../support/database';
import { buildNotecheck, describeWithGo, notecheckJson } from '../support/go-notecheck';
import { TestApp, TestPrincipal } from '../support/test-app';
import { postEvents, randomSeed, sealedLeaves, startTransparencyApp } from '../support/transparency';
import { CLI, pemFile, startWitness, tmp, WitnessProcess } from '../support/witness-process';

/**
 * The log's side of "Verifiable with standard tools": GET /checkpoint and receipts as C2SP
 * formats, checked with Go's golang.org/x/mod (test/go/notecheck); two witnesses (dist/cli.js
 * witness:serve child processes) cosigning the live log, refusing another history signed with
 * the same key, one of them down or frozen while the service goes on; the dashboard's count;
 * the offline verifier with a tlog-policy, with and without the quorum.
 */

const ORIGIN = 'ledger.test.example/aid-escrow';

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

const failed = (report: VerifyReport) => report.checks.filter((c) => !c.ok).map((c) => c.check);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the log as C2SP tools see it: GET /checkpoint, receipts, witnesses', () => {
  const seed = randomSeed();
  const logVkey = ed25519NoteSigner(ORIGIN, ed25519PrivateKeyFromSeed(Buffer.from(seed, 'base64'))).vkey;
  const witnesses: WitnessProcess[] = [];
  let a: WitnessProcess;
  let b: WitnessProcess;
  let t: TestApp;
  let url: string;
  let auditor: TestPrincipal;
  let dir: string;

  const submit = () => t.app.get(WitnessSubmitter).submit({ force: true });
  async function checkpoint(app = t) {
    await app.seal();
    return (await app.app.get(CheckpointService).produce({ force: true }))!;
  }
  const served = async (app = t) => {
    const res = await app.http().get('/checkpoint');
    return { status: res.status, type: res.headers['content-type'], note: res.text };
  };

  beforeAll(async () => {
    dir = tmp('aid-escrow-c2sp-log-');
    [a, b] = await Promise.all(
      ['a', 'b'].map((n) => startWitness({ key: pemFile(), state: tmp(`aid-escrow-log-witness-${n}-`), logVkey, name: `witness-${n}.test.example/aid` })),
    );
    witnesses.push(a, b);
    t = await startTransparencyApp({
      CHECKPOINT_PRIVATE_KEY: seed,
      LOG_ORIGIN: ORIGIN,
      WITNESSES: `${a.vkey}=${a.url},${b.vkey}=${b.url}`,
      WITNESS_QUORUM: 2,
      WITNESS_INTERVAL_MS: 0,
      WITNESS_TIMEOUT_MS: 1000,
    });
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    auditor = await t.principal('auditor');
    await postEvents(t, 6);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(witnesses.map((w) => w.stop()));
  });

  it('publishes the log\'s origin, vkey and policy, and serves no checkpoint before the witnesses cosigned one', async () => {
    const key = (await t.http().get('/v1/public/checkpoints/key').expect(200)).body;
    expect(key).toMatchObject({ algorithm: 'Ed25519', origin: ORIGIN, vkey: logVkey, witnessQuorum: 2 });
    expect(key.witnesses).toEqual([{ vkey: a.vkey, url: a.url }, { vkey: b.vkey, url: b.url }]);
    expect(formatPolicy(parsePolicy(key.policy))).toBe(key.policy);
    expect(parsePolicy(key.policy).logs[0].verifier.vkey).toBe(logVkey);

    const head = await checkpoint();
    expect((await t.http().get('/v1/public/checkpoints/latest').expect(200)).body.treeSize).toBe(head.treeSize); // the JSON API as before
    const before = await served();
    expect(before.status).toBe(404); // signed, not yet cosigned by the quorum
    const dashboard = (await t.http().get('/v1/public/dashboard').expect(200)).body;
    expect(dashboard.witnesses).toEqual({ configured: 2, quorum: 2, treeSize: head.treeSize, cosigned: 0, witnessedTreeSize: null });
  });

  it('two witnesses cosign the live log; GET /checkpoint carries both cosignatures; the dashboard counts them', async () => {
    const latest = (await t.http().get('/v1/public/checkpoints/latest').expect(200)).body.treeSize;
    const outcomes = await submit();
    expect(outcomes).toEqual([
      { witness: 'witness-a.test.example/aid', treeSize: latest, cosigned: true },
      { witness: 'witness-b.test.example/aid', treeSize: latest, cosigned: true },
    ]);
    const { status, type, note } = await served();
    expect(status).toBe(200);
    expect(type).toBe('text/plain; charset=utf-8');
    const head = (await t.http().get('/v1/public/checkpoints/latest').expect(200)).body;
    const parsed = parseNote(note);
    expect(parsed.text).toBe(`${ORIGIN}\n${head.treeSize}\n${Buffer.from(head.rootHash, 'hex').toString('base64')}\n`);
    expect(parsed.signatures.map((s) => s.name)).toEqual([ORIGIN, 'witness-a.test.example/aid', 'witness-b.test.example/aid']);
    const dashboard = (await t.http().get('/v1/public/dashboard').expect(200)).body;
    expect(dashboard.witnesses).toEqual({ configured: 2, quorum: 2, treeSize: head.treeSize, cosigned: 2, witnessedTreeSize: head.treeSize });

    // The witnesses serve the same checkpoint to monitors.
    const monitored = await (await fetch(`${a.url}/${originHash(ORIGIN)}/checkpoint`)).text();
    expect(parseNote(monitored).text).toBe(parsed.text);

    // The log grows; each witness is asked from the size it cosigned last, and both cosign.
    await postEvents(t, 5);
    const next = await checkpoint();
    expect((await served()).note).toBe(note); // still the last one with the quorum
    expect((await submit())!.map((o) => o.cosigned)).toEqual([true, true]);
    expect(parseNote((await served()).note).text.split('\n')[1]).toBe(String(next.treeSize));
    expect(await submit()).toEqual([]); // nothing left to cosign
  });

  describeWithGo()('checked with Go\'s golang.org/x/mod (sumdb/note, sumdb/tlog)', () => {
    let notecheck: string;
    beforeAll(() => {
      notecheck = buildNotecheck();
    });

    it('GET /checkpoint opens with note.Open and the log\'s vkey; the cosignatures verify as cosignature/v1', async () => {
      const { note } = await served();
      const opened = notecheckJson(notecheck, ['open', '--vkey', logVkey, '--cosigner-vkey', a.vkey, '--cosigner-vkey', b.vkey], note);
      expect(opened).toMatchObject({ ok: true, text: parseNote(note).text });
      expect(opened.sigs!.map((s) => s.name)).toEqual([ORIGIN, 'witness-a.test.example/aid', 'witness-b.test.example/aid']);
      for (const s of opened.sigs!.slice(1)) expect(s.timestamp).toBeGreaterThan(Date.now() / 1000 - 600);
      // With the log's key alone, the cosignatures are unknown signatures, as the spec says.
      const logOnly = notecheckJson(notecheck, ['open', '--vkey', logVkey], note);
      expect(logOnly).toMatchObject({ ok: true });
      expect(logOnly.unverified!.map((s) => s.name)).toEqual(['witness-a.test.example/aid', 'witness-b.test.example/aid']);
      // Another key of the same name does not open it.
      const other = ed25519NoteSigner(ORIGIN, ed25519PrivateKeyFromSeed(Buffer.alloc(32, 7))).vkey;
      expect(notecheckJson(notecheck, ['open', '--vkey', other], note).ok).toBe(false);
      // Nor does a checkpoint whose tree size was changed.
      const lines = note.split('\n');
      lines[1] = String(Number(lines[1]) + 1);
      expect(notecheckJson(notecheck, ['open', '--vkey', logVkey], lines.join('\n')).ok).toBe(false);
    });

    it('a receipt checks with tlog.CheckRecord against the cosigned checkpoint, with the quorum', async () => {
      const leaves = await sealedLeaves(t.dataSource);
      const receipt = (await t.http().get('/v1/public/proofs/receipt?chainIndex=3').expect(200).expect('content-type', 'text/plain; charset=utf-8')).text;
      const args = ['proof', '--vkey', logVkey, '--cosigner-vkey', a.vkey, '--cosigner-vkey', b.vkey, '--quorum', '2'];
      expect(notecheckJson(notecheck, [...args, '--leaf-hash', leaves[3].toString('hex')], receipt)).toMatchObject({ ok: true, index: 3 });
      expect(notecheckJson(notecheck, [...args, '--leaf-hash', leaves[4].toString('hex')], receipt).ok).toBe(false);
    });
  });

  it('serves receipts that the library verifies offline with the policy alone, and 404 beyond the checkpoint', async () => {
    const leaves = await sealedLeaves(t.dataSource);
    const policy = thresholdPolicy(logVkey, [{ vkey: a.vkey }, { vkey: b.vkey }], 2);
    const size = Number(parseNote((await served()).note).text.split('\n')[1]);
    for (const index of [0, 7, size - 1]) {
      const receipt = (await t.http().get(`/v1/public/proofs/receipt?chainIndex=${index}`).expect(200)).text;
      expect(parseTlogProof(receipt).parsedCheckpoint.size).toBe(size);
      expect(verifyTlogProof(receipt, leaves[index], policy).cosignatures).toHaveLength(2);
    }
    const beyond = await t.http().get(`/v1/public/proofs/receipt?chainIndex=${size}`).expect(404);
    expect(beyond.body.message).toMatch(/not in the latest checkpoint \(tree size \d+\) yet/);
    await t.http().get('/v1/public/proofs/receipt?chainIndex=-1').expect(400);
    await t.http().get('/v1/public/proofs/receipt').expect(400);
  });

  it('a second service with the same key and another history is refused by both witnesses', async () => {
    const forked = await startTransparencyApp({
      CHECKPOINT_PRIVATE_KEY: seed,
      LOG_ORIGIN: ORIGIN,
      WITNESSES: `${a.vkey}=${a.url},${b.vkey}=${b.url}`,
      WITNESS_QUORUM: 2,
      WITNESS_INTERVAL_MS: 0,
      WITNESS_TIMEOUT_MS: 1000,
    });
    try {
      // Grown to each interesting relation with the witnesses' size: below it, equal, above it.
      const witnessed = Number(parseNote((await served()).note).text.split('\n')[1]);
      for (const size of [witnessed - 3, witnessed, witnessed + 4]) {
        const { sealed } = await forked.dataSource.query(`SELECT count(*)::int AS sealed FROM journal_chain`).then((r) => r[0]);
        await postEvents(forked, size - sealed);
        expect((await checkpoint(forked)).treeSize).toBe(size);
        const outcomes = (await forked.app.get(WitnessSubmitter).submit({ force: true }))!;
        expect(outcomes.map((o) => o.cosigned)).toEqual([false, false]);
        for (const o of outcomes) expect([409, 422]).toContain(o.status);
      }
      expect((await served(forked)).status).toBe(404);
      expect((await forked.http().get('/v1/public/dashboard').expect(200)).body.witnesses).toMatchObject({ cosigned: 0, witnessedTreeSize: null });
      // The witnesses kept both trees of the equal size as evidence of the fork.
      expect(a.output()).toMatch(/signed two different trees of one size/);
    } finally {
      await forked.close();
    }
    // The honest log is still cosigned as before.
    await postEvents(t, 2);
    await checkpoint();
    expect((await submit())!.map((o) => o.cosigned)).toEqual([true, true]);
  });

  it('a frozen witness costs its submission a bounded wait and nothing else; it catches up when it wakes', async () => {
    const before = (await served()).note;
    await postEvents(t, 3);
    const head = await checkpoint();
    process.kill(b.pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const submission = submit();
      // Meanwhile the service answers, reads and writes.
      const during = Date.now();
      expect((await served()).note).toBe(before);
      await postEvents(t, 1);
      await t.http().get('/v1/public/dashboard').expect(200);
      expect(Date.now() - during).toBeLessThan(2000);
      const outcomes = (await submission)!;
      expect(Date.now() - started).toBeLessThan(5000);
      expect(outcomes).toEqual([
        { witness: 'witness-a.test.example/aid', treeSize: head.treeSize, cosigned: true },
        expect.objectContaining({ witness: 'witness-b.test.example/aid', cosigned: false, status: 0 }),
      ]);
      expect((await served()).note).toBe(before); // one cosignature is not the quorum of 2
      expect((await t.http().get('/v1/public/dashboard').expect(200)).body.witnesses).toMatchObject({ cosigned: 1, treeSize: head.treeSize });
      // Backing off: the next run does not wait for it again.
      const quick = Date.now();
      expect(await t.app.get(WitnessSubmitter).submit()).toEqual([]);
      expect(Date.now() - quick).toBeLessThan(500);
    } finally {
      process.kill(b.pid, 'SIGCONT');
    }
    expect((await submit())!).toEqual([{ witness: 'witness-b.test.example/aid', treeSize: head.treeSize, cosigned: true }]);
    expect(parseNote((await served()).note).text.split('\n')[1]).toBe(String(head.treeSize));
  });

  describe('the offline verifier with a C2SP tlog-policy', () => {
    let policyFile: string;
    let strictPolicyFile: string;

    beforeAll(async () => {
      await checkpoint();
      await submit();
      policyFile = join(dir, 'policy.txt');
      writeFileSync(policyFile, (await t.http().get('/v1/public/checkpoints/key')).body.policy);
      // One more witness that nobody runs, all three required: no checkpoint can meet it.
      const absent = ed25519Cosigner('witness-c.test.example/aid', generateKeyPairSync('ed25519').privateKey).vkey;
      strictPolicyFile = join(dir, 'strict-policy.txt');
      writeFileSync(strictPolicyFile, formatPolicy(thresholdPolicy(logVkey, [a.vkey, b.vkey, absent].map((vkey) => ({ vkey })), 3)));
    });

    it('accepts the checkpoint and a receipt with the quorum, and refuses them without it', async () => {
      const leaves = await sealedLeaves(t.dataSource);
      const journal = (await t.http().get('/v1/ledger/transactions?afterSeq=0&limit=1000').set(auditor.auth).expect(200)).body.items;
      const fifth = journal.find((tx: { chainIndex: number }) => tx.chainIndex === 5);
      const ok = await verifyProofs({ url, policy: policyFile, chainIndex: 5, contentHash: fifth.contentHash });
      expect(failed(ok)).toEqual([]);
      expect(ok.checks.map((c) => c.check)).toEqual(['checkpoint signature', 'witness quorum', 'inclusion']);
      expect(ok.checks[1].detail).toMatch(/cosigned by witness-a.test.example\/aid at .*, witness-b.test.example\/aid at /);
      expect(leaves[5].length).toBe(32);

      const strict = await verifyProofs({ url, policy: strictPolicyFile, chainIndex: 5, contentHash: fifth.contentHash });
      expect(strict.ok).toBe(false);
      expect(failed(strict)).toEqual(['witness quorum']);
      expect(strict.checks.map((c) => c.check)).toEqual(['checkpoint signature', 'witness quorum']);

      // A note stripped of one cosignature fails the 2-of-2 policy; a wrong leaf fails inclusion.
      const note = parseNote((await served()).note);
      const stripped = join(dir, 'one-cosignature.txt');
      writeFileSync(stripped, formatNote({ text: note.text, signatures: note.signatures.slice(0, 2) }));
      expect(failed(await verifyProofs({ policy: policyFile, checkpoint: stripped }))).toEqual(['witness quorum']);
      const wrongLeaf = await verifyProofs({ url, policy: policyFile, chainIndex: 5, contentHash: journal[0].contentHash === fifth.contentHash ? journal[1].contentHash : journal[0].contentHash });
      expect(failed(wrongLeaf)).toEqual(['inclusion']);
    });

    it('proves a later checkpoint extends a saved note, and checks a whole export against the cosigned root', async () => {
      const saved = join(dir, 'saved-note.txt');
      expect((await verifyProofs({ url, policy: policyFile, saveCheckpoint: saved })).ok).toBe(true);
      expect(readFileSync(saved, 'utf8')).toBe((await served()).note);
      await postEvents(t, 4);
      await checkpoint();
      await submit();
      const extended = await verifyProofs({ url, policy: policyFile, oldCheckpoint: saved });
      expect(failed(extended)).toEqual([]);
      expect(extended.checks.map((c) => c.check)).toContain('consistency');

      const exportFile = join(dir, 'journal.ndjson');
      writeFileSync(exportFile, (await t.http().get('/v1/ledger/export?format=ndjson').set(auditor.auth).expect(200)).text);
      const checked = await verifyProofs({ url, policy: policyFile, export: exportFile });
      expect(failed(checked)).toEqual([]);
      expect(checked.checks.map((c) => c.check)).toEqual(['checkpoint signature', 'witness quorum', 'export bodies', 'export signed statements', 'export tree']);

      // A body changed in the export no longer hashes; a contentHash changed with it breaks the tree.
      const lines = readFileSync(exportFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const changed = lines.map((l, i) => (i === 2 ? { ...l, body: { ...l.body, details: { note: 'rewritten' } } } : l));
      writeFileSync(exportFile, changed.map((l) => JSON.stringify(l)).join('\n') + '\n');
      expect(failed(await verifyProofs({ url, policy: policyFile, export: exportFile }))).toEqual(['export bodies']);
      const rehashed = changed.map((l, i) =>
        i === 2 ? { ...l, contentHash: createHash('sha256').update(canonicalize(l.body)!).digest('hex') } : l,
      );
      writeFileSync(exportFile, rehashed.map((l) => JSON.stringify(l)).join('\n') + '\n');
      expect(failed(await verifyProofs({ url, policy: policyFile, export: exportFile }))).toEqual(['export tree']);
    });

    it('runs as `node dist/cli.js proof:verify --policy`: exit 0 with the quorum, 1 without', async () => {
      const good = await cli(['proof:verify', '--url', url, '--policy', policyFile]);
      expect(good.stderr).toBe('');
      expect(good.status).toBe(0);
      expect(JSON.parse(good.stdout)).toMatchObject({ ok: true });
      const refused = await cli(['proof:verify', '--url', url, '--policy', strictPolicyFile]);
      expect(refused.status).toBe(1);
      expect(JSON.parse(refused.stdout).checks.find((c: { check: string }) => c.check === 'witness quorum').ok).toBe(false);
    });
  });
});

describe('witnessing in the background: a witness down does not stop the log', () => {
  it('cosigns new checkpoints on its own, and keeps serving with one of two witnesses gone', async () => {
    const seed = randomSeed();
    const origin = 'background.test.example/aid-escrow';
    const logVkey = ed25519NoteSigner(origin, ed25519PrivateKeyFromSeed(Buffer.from(seed, 'base64'))).vkey;
    const [c, d] = await Promise.all(
      ['c', 'd'].map((n) => startWitness({ key: pemFile(), state: tmp(`aid-escrow-bg-witness-${n}-`), logVkey, name: `witness-${n}.test.example/aid` })),
    );
    const t = await startTransparencyApp({
      CHECKPOINT_PRIVATE_KEY: seed,
      LOG_ORIGIN: origin,
      WITNESSES: `${c.vkey}=${c.url},${d.vkey}=${d.url}`,
      WITNESS_QUORUM: 1,
      SEALER_INTERVAL_MS: 50,
      CHECKPOINT_INTERVAL_MS: 200,
      CHECKPOINT_EVERY_TRANSACTIONS: 1,
      WITNESS_INTERVAL_MS: 100,
      WITNESS_TIMEOUT_MS: 1000,
    });
    const cosigners = (note: string) => parseNote(note).signatures.slice(1).map((s) => s.name);
    const size = (note: string) => Number(parseNote(note).text.split('\n')[1]);
    try {
      await postEvents(t, 3);
      const first = await until('a checkpoint cosigned by both', async () => {
        const res = await t.http().get('/checkpoint');
        return res.status === 200 && cosigners(res.text).length === 2 ? res.text : undefined;
      });
      await d.kill9();
      await postEvents(t, 3);
      const later = await until('a later checkpoint, cosigned by the witness still up', async () => {
        const res = await t.http().get('/checkpoint');
        return res.status === 200 && size(res.text) > size(first) ? res.text : undefined;
      });
      expect(cosigners(later)).toEqual(['witness-c.test.example/aid']);
      // The dashboard says so once the latest checkpoint is the witnessed one (the producer may be a step ahead).
      const shown = await until('the dashboard counting one cosignature of two', async () => {
        const { witnesses } = (await t.http().get('/v1/public/dashboard').expect(200)).body;
        return witnesses.treeSize === witnesses.witnessedTreeSize ? witnesses : undefined;
      });
      expect(shown).toMatchObject({ configured: 2, quorum: 1, cosigned: 1 });
    } finally {
      await t.close();
      await Promise.all([c.stop(), d.stop()]);
    }
  });
});

describe('a checkpoint signed before notes existed (a database upgraded by step 008)', () => {
  it('gets its note from the producer\'s next run, without the chain having to grow', async () => {
    const seed = randomSeed();
    const first = await startTransparencyApp({ CHECKPOINT_PRIVATE_KEY: seed });
    let second: TestApp | undefined;
    try {
      await postEvents(first, 4);
      await first.seal();
      const head = (await first.app.get(CheckpointService).produce({ force: true }))!;
      const note = (await first.http().get('/checkpoint').expect(200)).text;
      // As after the upgrade: the checkpoint is there, its note is not.
      const su = await superuserClient(first.url);
      try {
        await su.query(`BEGIN; SET LOCAL session_replication_role = replica; DELETE FROM checkpoint_notes; COMMIT`);
      } finally {
        await su.end();
      }
      await first.http().get('/checkpoint').expect(404);
      second = await startTransparencyApp({ DATABASE_URL: first.url, CHECKPOINT_PRIVATE_KEY: seed });
      expect(await second.app.get(CheckpointService).produce()).toBeUndefined(); // nothing new to sign
      expect((await second.http().get('/checkpoint').expect(200)).text).toBe(note); // Ed25519 is deterministic
      expect(parseNote(note).text.split('\n')[1]).toBe(String(head.treeSize));
    } finally {
      await second?.close();
      await first.close();
    }
  });
});
