import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consistencyProof, EMPTY_ROOT, leafHash, rootOf } from '../../src/tlog/merkle';
import { signCheckpoint } from '../../src/tlog/c2sp/checkpoint';
import { ed25519Cosigner, verifiedCosignatures } from '../../src/tlog/c2sp/cosignature';
import { ed25519NoteSigner, NoteSigner, openNote, parseNote } from '../../src/tlog/c2sp/signed-note';
import { thresholdPolicy, verifyCheckpoint } from '../../src/tlog/c2sp/tlog-policy';
import { cosignerVerifierFromKey, logVerifierFromKey } from '../../src/tlog/c2sp/verifier-keys';
import { formatAddCheckpointRequest } from '../../src/tlog/c2sp/witness/add-checkpoint-request';
import { gatherCosignatures, requestCosignature, WitnessError } from '../../src/tlog/c2sp/witness/witness-client';
import { originHash } from '../../src/tlog/c2sp/witness/witness-state';
import { CLI, pemFile, startWitness, tmp, WitnessProcess } from '../support/witness-process';

/**
 * `witness:serve` as a monitoring organization runs it: dist/cli.js child processes (built by
 * pretest), a real log tree in memory, raw protocol requests and the library's client.
 */

const ORIGIN = 'example.org/aid-escrow-ledger';

const leavesOf = (n: number, fork = '') => Array.from({ length: n }, (_, i) => leafHash(createHash('sha256').update(`${i < 8 ? '' : fork}entry ${i}`).digest()));

async function post(url: string, body: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(`${url}/add-checkpoint`, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

/** A log of the given leaves, signing checkpoints of any prefix. */
function logOf(signer: NoteSigner, leaves: Buffer[]) {
  const checkpoint = (size: number) => signCheckpoint({ origin: ORIGIN, size, rootHash: rootOf(leaves.slice(0, size)), extensions: [] }, signer);
  const proof = (from: number, to: number) => consistencyProof(from, leaves.slice(0, to));
  const request = (old: number, size: number, proofHashes = old === 0 ? [] : proof(old, size)) =>
    formatAddCheckpointRequest({ oldSize: old, consistencyProof: proofHashes, checkpoint: checkpoint(size) });
  return { checkpoint, proof, request };
}

describe('witness:serve (C2SP tlog-witness)', () => {
  const logKey = generateKeyPairSync('ed25519').privateKey;
  const signer = ed25519NoteSigner(ORIGIN, logKey);
  const log = logOf(signer, leavesOf(20));
  const fork = logOf(signer, leavesOf(20, 'forked '));
  const running: WitnessProcess[] = [];
  const start = async (args: Parameters<typeof startWitness>[0]) => {
    const w = await startWitness(args);
    running.push(w);
    return w;
  };
  afterAll(async () => {
    await Promise.all(running.map((w) => w.stop()));
  });

  it('two witnesses cosign a growing log through the client; the note meets a 2-of-2 policy', async () => {
    expect(existsSync(CLI)).toBe(true);
    const [a, b] = await Promise.all([
      start({ key: pemFile(), state: tmp('aid-escrow-witness-a-'), logVkey: signer.vkey, name: 'witness-a.example/aid' }),
      start({ key: pemFile(), state: tmp('aid-escrow-witness-b-'), logVkey: signer.vkey, name: 'witness-b.example/aid' }),
    ]);
    const witnesses = [a, b].map((w) => ({ url: w.url, verifier: cosignerVerifierFromKey(w.vkey) }));
    const policy = thresholdPolicy(signer.vkey, [a, b].map((w) => ({ vkey: w.vkey })), 2);
    const before = Math.floor(Date.now() / 1000);

    for (const size of [3, 8, 8, 13]) {
      // No size is told: the first request learns each witness's size from its 409.
      const { note, outcomes } = await gatherCosignatures(log.checkpoint(size), witnesses, log.proof);
      expect(outcomes.map((o) => o.error?.message)).toEqual([undefined, undefined]);
      const verified = verifyCheckpoint(note, policy);
      expect(verified.checkpoint.size).toBe(size);
      expect(verified.cosignatures.map((c) => c.name)).toEqual(['witness-a.example/aid', 'witness-b.example/aid']);
      for (const c of verified.cosignatures) expect(c.timestamp).toBeGreaterThanOrEqual(before);
    }

    // The monitoring endpoint serves the last cosigned checkpoint, with both signatures.
    const res = await fetch(`${a.url}/${originHash(ORIGIN)}/checkpoint`);
    expect(res.status).toBe(200);
    const served = await res.text();
    expect(parseNote(served).text).toBe(parseNote(log.checkpoint(13)).text);
    expect(verifiedCosignatures(served, [witnesses[0].verifier])).toHaveLength(1);
    expect(openNote(served, [cosignerVerifierFromKey(a.vkey)]).unverified.map((s) => s.name)).toEqual([ORIGIN]);
    expect((await fetch(`${a.url}/${originHash('example.org/other')}/checkpoint`)).status).toBe(404);

    // A fork of the log is refused by both, and the client says so.
    const { outcomes } = await gatherCosignatures(fork.checkpoint(15), witnesses.map((w) => ({ ...w, oldSize: 13 })), fork.proof);
    expect(outcomes.map((o) => (o.error as WitnessError).status)).toEqual([422, 422]);
  });

  it('answers every case of add-checkpoint with the status the spec names', async () => {
    const state = tmp('aid-escrow-witness-codes-');
    const w = await start({ key: pemFile(), state, logVkey: signer.vkey, name: 'witness.example/codes' });
    const other = ed25519NoteSigner(ORIGIN, generateKeyPairSync('ed25519').privateKey);
    const strangers = ed25519NoteSigner('example.org/unknown', generateKeyPairSync('ed25519').privateKey);
    const withCheckpoint = (old: number, proof: Buffer[], checkpoint: string) => formatAddCheckpointRequest({ oldSize: old, consistencyProof: proof, checkpoint });

    // Size 0 with the empty tree's root is fine (and needs no proof); with another root, 422.
    const empty = signCheckpoint({ origin: ORIGIN, size: 0, rootHash: EMPTY_ROOT, extensions: [] }, signer);
    expect((await post(w.url, withCheckpoint(0, [], empty))).status).toBe(200);
    const notEmpty = signCheckpoint({ origin: ORIGIN, size: 0, rootHash: Buffer.alloc(32, 1), extensions: [] }, signer);
    expect((await post(w.url, withCheckpoint(0, [], notEmpty))).status).toBe(422);
    // From size 0 the proof must be empty.
    expect((await post(w.url, log.request(0, 5, [Buffer.alloc(32)]))).status).toBe(422);

    const first = await post(w.url, log.request(0, 5));
    expect(first).toEqual({ status: 200, type: 'text/plain; charset=utf-8', body: expect.stringMatching(/^— witness\.example\/codes [A-Za-z0-9+/]+=*\n$/) });
    expect(verifiedCosignatures(log.checkpoint(5) + first.body, [cosignerVerifierFromKey(w.vkey)])).toHaveLength(1);

    // 409: the old size is not the one cosigned last; the body says which it is.
    expect(await post(w.url, log.request(3, 9))).toEqual({ status: 409, type: 'text/x.tlog.size', body: '5\n' });
    expect((await post(w.url, log.request(0, 9))).body).toBe('5\n');

    // 422: proofs that do not verify.
    const badProof = log.proof(5, 9);
    badProof[0] = Buffer.alloc(32, 7);
    expect((await post(w.url, log.request(5, 9, badProof))).status).toBe(422);
    expect((await post(w.url, log.request(5, 9, []))).status).toBe(422);
    expect((await post(w.url, log.request(5, 9, [...log.proof(5, 9), Buffer.alloc(32)]))).status).toBe(422);
    expect((await post(w.url, log.request(5, 9))).status).toBe(200);
    // The same tree again is fine (a fresh cosignature); another tree of that size is a fork.
    expect((await post(w.url, log.request(9, 9))).status).toBe(200);
    expect((await post(w.url, fork.request(9, 9, []))).status).toBe(422);
    expect((await post(w.url, fork.request(9, 9, []))).status).toBe(422);
    // Kept once: the log signed two trees of size 9 (bad proofs above are not evidence of anything).
    const evidence = readdirSync(join(state, 'forks'));
    expect(evidence).toEqual([`${originHash(ORIGIN)}-9-${rootOf(leavesOf(9, 'forked ')).toString('hex')}.txt`]);
    const kept = readFileSync(join(state, 'forks', evidence[0]), 'utf8');
    expect(kept.startsWith(log.checkpoint(9))).toBe(true); // what it cosigned (with its cosignature)…
    expect(kept.endsWith(`\n${fork.checkpoint(9)}`)).toBe(true); // …and the other tree the log signed
    expect(w.output()).toContain('signed two different trees of one size');

    // 403: not signed by the log's key (another key under the origin's name), or a broken signature.
    expect((await post(w.url, withCheckpoint(9, [], signCheckpoint({ origin: ORIGIN, size: 9, rootHash: rootOf(leavesOf(9)), extensions: [] }, other)))).status).toBe(403);
    const broken = log.checkpoint(9).replace(/ [A-Za-z0-9+/]{8}/, (m) => m.slice(0, 8) + (m[8] === 'A' ? 'B' : 'A'));
    expect(broken).not.toBe(log.checkpoint(9));
    expect((await post(w.url, withCheckpoint(9, [], broken))).status).toBe(403);
    // 404: a log this witness does not know.
    expect((await post(w.url, withCheckpoint(0, [], signCheckpoint({ origin: 'example.org/unknown', size: 1, rootHash: Buffer.alloc(32), extensions: [] }, strangers)))).status).toBe(404);
    // 400: old size above the checkpoint's, malformed bodies, more than 63 proof lines.
    expect((await post(w.url, withCheckpoint(10, [], log.checkpoint(9)))).status).toBe(400);
    expect((await post(w.url, 'hello')).status).toBe(400);
    expect((await post(w.url, `old 09\n\n${log.checkpoint(9)}`)).status).toBe(400);
    expect((await post(w.url, `old 9\n${log.checkpoint(9)}`)).status).toBe(400);
    expect((await post(w.url, `old 9\n${'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'.repeat(64)}\n${log.checkpoint(9)}`)).status).toBe(400);
    expect((await post(w.url, `old 9\n\n${log.checkpoint(9).replace('\n9\n', '\n09\n')}`)).status).toBe(400);
    // Not the protocol's routes or methods; bodies past 1 MiB.
    expect((await fetch(`${w.url}/add-checkpoint`)).status).toBe(405);
    expect((await fetch(`${w.url}/checkpoint`)).status).toBe(404);
    expect((await post(w.url, 'x'.repeat(1_100_000))).status).toBe(413);

    // Through all that, the witness stayed at the tree it cosigned last.
    expect((await post(w.url, log.request(0, 9))).body).toBe('9\n');
  }, 60_000);

  it('keeps its state across a crash and a restart, on disk before it answers, one process per state', async () => {
    const key = pemFile();
    const state = tmp('aid-escrow-witness-restart-');
    const args = { key, state, logVkey: signer.vkey, name: 'witness.example/restart' };
    const first = await start(args);
    const cosigned = await post(first.url, log.request(0, 6));
    expect(cosigned.status).toBe(200);
    // The answer left after the file was written: it holds this checkpoint and this cosignature.
    const onDisk = readFileSync(join(state, originHash(ORIGIN)), 'utf8');
    expect(onDisk).toBe(log.checkpoint(6) + cosigned.body);
    await expect(startWitness(args)).rejects.toThrow(/in use by process/);

    await first.kill9(); // no shutdown hook: as in a crash
    const second = await start(args);
    expect(second.vkey).toBe(first.vkey);
    expect(await post(second.url, log.request(0, 6))).toMatchObject({ status: 409, body: '6\n' });
    expect((await post(second.url, log.request(6, 11))).status).toBe(200);
    await second.stop();
    const third = await start(args);
    expect((await post(third.url, log.request(0, 11))).body).toBe('11\n');
    expect((await post(third.url, fork.request(11, 11, []))).status).toBe(422);
    expect((await post(third.url, fork.request(6, 11, fork.proof(6, 11)))).status).toBe(409);
  }, 60_000);

  it('never cosigns two trees of one size, even when both race in at once', async () => {
    const w = await start({ key: pemFile(), state: tmp('aid-escrow-witness-race-'), logVkey: signer.vkey, name: 'witness.example/race' });
    expect((await post(w.url, log.request(0, 8))).status).toBe(200);
    // Twenty requests from size 8 to 12, half for the log's tree, half for a fork (both signed).
    const requests = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? log : fork).request(8, 12));
    const answers = await Promise.all(requests.map((body) => post(w.url, body)));
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body)).toEqual(Array(19).fill('12\n'));
    // The cosignature that was given verifies over exactly one of the two trees.
    const verifier = cosignerVerifierFromKey(w.vkey);
    const over = [log, fork].filter((l) => {
      try {
        return verifiedCosignatures(l.checkpoint(12) + won[0].body, [verifier]).length === 1;
      } catch {
        return false;
      }
    });
    expect(over).toHaveLength(1);
    const loser = over[0] === log ? fork : log;
    expect((await post(w.url, loser.request(12, 12, []))).status).toBe(422);
  }, 60_000);

  it('the client learns the witness\'s size from a 409 and refuses a witness that is ahead', async () => {
    const w = await start({ key: pemFile(), state: tmp('aid-escrow-witness-client-'), logVkey: signer.vkey, name: 'witness.example/client' });
    const target = { url: w.url, verifier: cosignerVerifierFromKey(w.vkey) };
    expect((await requestCosignature(target, log.checkpoint(10), log.proof, { oldSize: 4 })).size).toBe(10);
    await expect(requestCosignature(target, log.checkpoint(7), log.proof)).rejects.toThrow('has cosigned a larger tree (size 10)');
    // A witness answering with another key's cosignature is no use.
    const impostor = { url: w.url, verifier: cosignerVerifierFromKey(ed25519CosignerVkey('witness.example/client')) };
    await expect(requestCosignature(impostor, log.checkpoint(12), log.proof, { oldSize: 10 })).rejects.toThrow('without a valid cosignature');
    await expect(requestCosignature({ ...target, url: 'http://127.0.0.1:9' }, log.checkpoint(12), log.proof, { timeoutMs: 2000 })).rejects.toMatchObject({ status: 0 });
  }, 60_000);

  it('witness:vkey prints the vkey witness:serve uses, or with --log a log\'s vkey', async () => {
    const key = pemFile();
    const vkey = (...extra: string[]) => spawnSync(process.execPath, [CLI, 'witness:vkey', '--key', key, ...extra], { encoding: 'utf8' });
    const w = await start({ key, state: tmp('aid-escrow-witness-vkey-'), logVkey: signer.vkey, name: 'witness.example/vkey' });
    expect(vkey('--name', 'witness.example/vkey').stdout).toBe(`${w.vkey}\n`);
    expect(cosignerVerifierFromKey(w.vkey).name).toBe('witness.example/vkey');
    const logVkey = vkey('--name', ORIGIN, '--log').stdout.trim();
    // The same key as a log's note key (type 0x01), named as the origin.
    expect(logVerifierFromKey(logVkey).key).toMatchObject({ name: ORIGIN, type: 0x01, publicKey: cosignerVerifierFromKey(w.vkey).key.publicKey });
    const notPem = join(tmp('aid-escrow-witness-bad-'), 'key.txt');
    writeFileSync(notPem, 'not a key');
    const failed = spawnSync(process.execPath, [CLI, 'witness:vkey', '--key', notPem], { encoding: 'utf8' });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('PKCS#8');
    const badVkey = spawnSync(process.execPath, [CLI, 'witness:serve', '--port', '0', '--key', key, '--log-vkey', 'nonsense', '--state', tmp('x-')], { encoding: 'utf8' });
    expect(badVkey.status).not.toBe(0);
    expect(badVkey.stderr).toContain('--log-vkey');
  }, 60_000);
});

function ed25519CosignerVkey(name: string): string {
  return ed25519Cosigner(name, generateKeyPairSync('ed25519').privateKey).vkey;
}
