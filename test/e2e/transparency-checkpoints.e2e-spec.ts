import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { CheckpointService } from '../../src/attestation/checkpoints/checkpoint.service';
import { ed25519PublicKey, SignedTreeHead, verifyTreeHead } from '../../src/attestation/checkpoints/signed-tree-head';
import { KEY_FILE_NAME } from '../../src/attestation/checkpoints/signing-key.service';
import { consistencyProof, inclusionProof, rootOf, verifyConsistency, verifyInclusion } from '../../src/tlog/merkle';
import { MerkleTreeService, STORED_MIN_LEVEL, TREE_LOCK } from '../../src/attestation/merkle/merkle-tree.service';
import { bulkJournalRows, postEvents, randomSeed, sealedLeaves, startTransparencyApp } from '../support/transparency';
import { TestApp, startTestApp } from '../support/test-app';

const hexes = (list: Buffer[]) => list.map((b) => b.toString('hex'));
const buffers = (list: string[]) => list.map((h) => Buffer.from(h, 'hex'));

/** Every stored node equals the reference MTH of the leaves it covers. */
async function expectStoredNodesMatch(dataSource: DataSource, leaves: Buffer[]): Promise<number> {
  const rows: { level: number; idx: string; hash: Buffer }[] = await dataSource.query(
    `SELECT level, idx::text AS idx, hash FROM merkle_nodes ORDER BY level, idx`,
  );
  for (const row of rows) {
    const width = 2 ** row.level;
    const start = Number(row.idx) * width;
    expect(start + width).toBeLessThanOrEqual(leaves.length);
    expect(row.hash.toString('hex')).toBe(rootOf(leaves.slice(start, start + width)).toString('hex'));
  }
  return rows.length;
}

describe('signed checkpoints and proofs over the sealed chain', () => {
  let t: TestApp;
  let checkpoints: CheckpointService;

  beforeAll(async () => {
    t = await startTransparencyApp({ CHECKPOINT_EVERY_TRANSACTIONS: 10, CHECKPOINT_INTERVAL_MS: 3_600_000 });
    checkpoints = t.app.get(CheckpointService);
  });
  afterAll(() => t.close());

  it('publishes a 32-byte Ed25519 key, generated into DATA_DIR, and has no checkpoint before anything is sealed', async () => {
    const key = await t.http().get('/v1/public/checkpoints/key').expect(200);
    expect(key.body).toEqual({
      algorithm: 'Ed25519',
      publicKey: expect.any(String),
      // The same key as a C2SP verifier key of the log (GET /checkpoint), with no witnesses configured.
      origin: 'localhost/aid-escrow-ledger',
      vkey: expect.stringMatching(/^localhost\/aid-escrow-ledger\+[0-9a-f]{8}\+/),
      witnesses: [],
      witnessQuorum: 0,
      policy: expect.stringMatching(/^log localhost\/aid-escrow-ledger\+[0-9a-f]{8}\+\S+\nquorum none\n$/),
    });
    expect(Buffer.from(key.body.vkey.split('+').slice(2).join('+'), 'base64')).toEqual(Buffer.concat([Buffer.from([1]), Buffer.from(key.body.publicKey, 'base64')]));
    expect(Buffer.from(key.body.publicKey, 'base64')).toHaveLength(32);

    const latest = await t.http().get('/v1/public/checkpoints/latest').expect(404);
    expect(latest.body).toMatchObject({ statusCode: 404, message: expect.stringContaining('no checkpoint') });
    expect(await checkpoints.produce({ force: true })).toBeUndefined();
  });

  it('signs a checkpoint whose root is the RFC 9162 root of the chain and whose signature verifies', async () => {
    await postEvents(t, 21);
    await t.seal();
    const produced = await checkpoints.produce();
    expect(produced?.treeSize).toBe(21);

    const latest = (await t.http().get('/v1/public/checkpoints/latest').expect(200)).body as SignedTreeHead;
    expect(latest).toEqual(produced);
    expect(Object.keys(latest).sort()).toEqual(['rootHash', 'signature', 'timestamp', 'treeSize']);
    expect(latest.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(latest.rootHash).toBe(rootOf(await sealedLeaves(t.dataSource)).toString('hex'));

    const { publicKey } = (await t.http().get('/v1/public/checkpoints/key')).body;
    expect(verifyTreeHead(latest, ed25519PublicKey(publicKey))).toBe(true);
    expect(verifyTreeHead({ ...latest, treeSize: 20 }, ed25519PublicKey(publicKey))).toBe(false);
    expect(verifyTreeHead({ ...latest, timestamp: new Date().toISOString() }, ed25519PublicKey(publicKey))).toBe(false);

    const past = await t.http().get('/v1/public/checkpoints/21').expect(200);
    expect(past.body).toEqual(latest);
    await t.http().get('/v1/public/checkpoints/20').expect(404);
  });

  it('signs again only when due: after CHECKPOINT_EVERY_TRANSACTIONS more sealed transactions', async () => {
    await postEvents(t, 9);
    await t.seal();
    expect(await checkpoints.produce()).toBeUndefined(); // 9 < 10 new, and the hour has not passed
    await postEvents(t, 1);
    await t.seal();
    expect((await checkpoints.produce())?.treeSize).toBe(31);
    expect(await checkpoints.produce({ force: true })).toBeUndefined(); // nothing new to sign
  });

  it('serves inclusion proofs equal to the RFC definition that verify against the signed root', async () => {
    await postEvents(t, 6);
    await t.seal();
    const head = (await checkpoints.produce({ force: true }))!;
    expect(head.treeSize).toBe(37);
    const leaves = await sealedLeaves(t.dataSource);
    for (let i = 0; i < head.treeSize; i++) {
      const res = await t.http().get(`/v1/public/proofs/inclusion?chainIndex=${i}&treeSize=${head.treeSize}`).expect(200);
      expect(res.body).toEqual({ chainIndex: i, treeSize: 37, leafHash: leaves[i].toString('hex'), path: hexes(inclusionProof(i, leaves)) });
      expect(verifyInclusion(i, 37, leaves[i], buffers(res.body.path), Buffer.from(head.rootHash, 'hex'))).toBe(true);
    }
    // A proof for an older tree size (a past checkpoint) verifies against that checkpoint's root.
    const old = (await t.http().get('/v1/public/checkpoints/21')).body as SignedTreeHead;
    const res = await t.http().get('/v1/public/proofs/inclusion?chainIndex=20&treeSize=21').expect(200);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(verifyInclusion(20, 21, leaves[20], buffers(res.body.path), Buffer.from(old.rootHash, 'hex'))).toBe(true);
  });

  it('serves consistency proofs between any two sizes that verify against the signed roots', async () => {
    const leaves = await sealedLeaves(t.dataSource);
    const to = leaves.length;
    const toRoot = rootOf(leaves);
    for (let from = 1; from <= to; from++) {
      const res = await t.http().get(`/v1/public/proofs/consistency?from=${from}&to=${to}`).expect(200);
      expect(res.body).toEqual({ from, to, path: hexes(consistencyProof(from, leaves)) });
      expect(verifyConsistency(from, to, rootOf(leaves.slice(0, from)), toRoot, buffers(res.body.path))).toBe(true);
    }
    const [a, b] = [(await t.http().get('/v1/public/checkpoints/21')).body, (await t.http().get('/v1/public/checkpoints/31')).body];
    const res = await t.http().get('/v1/public/proofs/consistency?from=21&to=31').expect(200);
    expect(verifyConsistency(21, 31, Buffer.from(a.rootHash, 'hex'), Buffer.from(b.rootHash, 'hex'), buffers(res.body.path))).toBe(true);
  });

  it('keeps stored nodes only from level 4 up, each equal to the reference hash of its leaves', async () => {
    const leaves = await sealedLeaves(t.dataSource);
    const rows = await expectStoredNodesMatch(t.dataSource, leaves);
    expect(rows).toBe(3); // two 16-leaf blocks and the 32-leaf node above them
    const [{ min }] = await t.dataSource.query(`SELECT min(level) AS min FROM merkle_nodes`);
    expect(min).toBe(STORED_MIN_LEVEL);
  });

  it('answers bad query parameters with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/v1/public/proofs/inclusion?chainIndex=abc&treeSize=5', 'chainIndex'],
      ['/v1/public/proofs/inclusion?chainIndex=-1&treeSize=5', 'chainIndex'],
      ['/v1/public/proofs/inclusion?chainIndex=1e1&treeSize=5', 'chainIndex'],
      ['/v1/public/proofs/inclusion?chainIndex=1', 'treeSize'],
      ['/v1/public/proofs/inclusion?chainIndex=1&treeSize=0', 'treeSize'],
      ['/v1/public/proofs/inclusion?chainIndex=5&treeSize=5', 'chainIndex'],
      ['/v1/public/proofs/inclusion?chainIndex=0&treeSize=5&extra=1', 'extra'],
      ['/v1/public/proofs/consistency?from=5&to=4', 'from'],
      ['/v1/public/proofs/consistency?from=0&to=4', 'from'],
      ['/v1/public/proofs/consistency?from=2', 'to'],
      ['/v1/public/proofs/consistency?from=x&to=4', 'from'],
      ['/v1/public/checkpoints/abc', 'treeSize'],
    ];
    for (const [url, field] of cases) {
      const res = await t.http().get(url).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringContaining(field) });
    }
  });

  it('refuses a tree size beyond the sealed chain with a clear 400', async () => {
    await postEvents(t, 2); // committed but not sealed: not in the tree yet
    const inclusion = await t.http().get('/v1/public/proofs/inclusion?chainIndex=0&treeSize=38').expect(400);
    expect(inclusion.body.message).toBe("treeSize is 38 but the ledger's tree has only 37 sealed transactions so far");
    const consistency = await t.http().get('/v1/public/proofs/consistency?from=1&to=1000').expect(400);
    expect(consistency.body.message).toContain('to is 1000');
    await t.seal();
    await t.http().get('/v1/public/proofs/inclusion?chainIndex=38&treeSize=39').expect(200);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on checkpoints, their notes and cosignatures, and merkle_nodes', async () => {
    for (const sql of [
      `UPDATE checkpoints SET signed_at = now()`,
      `DELETE FROM checkpoints`,
      // The notes' foreign key refuses a TRUNCATE of checkpoints alone; with them, the trigger does.
      `TRUNCATE checkpoints, checkpoint_notes, checkpoint_cosignatures`,
      `TRUNCATE checkpoints CASCADE`,
      `UPDATE checkpoint_notes SET note = note`,
      `DELETE FROM checkpoint_notes`,
      `UPDATE merkle_nodes SET hash = hash`,
      `DELETE FROM merkle_nodes`,
      `TRUNCATE merkle_nodes`,
    ]) {
      await expect(t.dataSource.query(sql)).rejects.toThrow(/append-only/);
    }
    await expect(t.dataSource.query(`TRUNCATE checkpoints`)).rejects.toThrow(/append-only|foreign key/);
    const [{ n, notes }] = await t.dataSource.query(`SELECT count(*)::int AS n, (SELECT count(*)::int FROM checkpoint_notes) AS notes FROM checkpoints`);
    expect(n).toBe(3);
    expect(notes).toBe(3);
  });
});

describe('the checkpoint key', () => {
  it('is generated once into DATA_DIR and reused by the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aid-escrow-keys-'));
    const first = await startTestApp({ DATA_DIR: dataDir });
    const key1 = (await first.http().get('/v1/public/checkpoints/key').expect(200)).body.publicKey;
    await first.close();
    expect(existsSync(join(dataDir, KEY_FILE_NAME))).toBe(true);
    expect(readFileSync(join(dataDir, KEY_FILE_NAME), 'utf8')).toContain('BEGIN PRIVATE KEY');

    const second = await startTestApp({ DATA_DIR: dataDir, DATABASE_URL: first.url });
    try {
      expect((await second.http().get('/v1/public/checkpoints/key')).body.publicKey).toBe(key1);
    } finally {
      await second.close();
    }
  });

  it('comes from CHECKPOINT_PRIVATE_KEY when set, and signs with it', async () => {
    const seed = randomSeed();
    const dataDir = mkdtempSync(join(tmpdir(), 'aid-escrow-keys-'));
    const t = await startTestApp({ CHECKPOINT_PRIVATE_KEY: seed, DATA_DIR: dataDir });
    try {
      const { publicKey } = (await t.http().get('/v1/public/checkpoints/key')).body;
      const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed, 'base64')]);
      const expected = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }).x;
      expect(Buffer.from(publicKey, 'base64').toString('base64url')).toBe(expected);
      expect(existsSync(join(dataDir, KEY_FILE_NAME))).toBe(false);

      await postEvents(t, 3);
      await t.seal();
      const head = (await t.app.get(CheckpointService).produce())!;
      expect(verifyTreeHead(head, ed25519PublicKey(publicKey))).toBe(true);
    } finally {
      await t.close();
    }
  });
});

describe('several instances on one database', () => {
  it('extend the tree and sign checkpoints without conflicts; every head verifies and sizes only grow', async () => {
    const seed = randomSeed();
    const a = await startTransparencyApp({ CHECKPOINT_PRIVATE_KEY: seed });
    const b = await startTransparencyApp({ CHECKPOINT_PRIVATE_KEY: seed, DATABASE_URL: a.url });
    try {
      for (let round = 0; round < 4; round++) {
        await bulkJournalRows(a.dataSource, 700 + round * 611);
        await a.seal();
        const results = await Promise.all([
          a.app.get(CheckpointService).produce({ force: true }),
          b.app.get(CheckpointService).produce({ force: true }),
          a.app.get(MerkleTreeService).ensureCovers((await a.app.get(MerkleTreeService).sizes()).sealed),
          b.app.get(MerkleTreeService).ensureCovers((await b.app.get(MerkleTreeService).sizes()).sealed),
        ]);
        expect(results.slice(0, 2).filter((r) => r !== undefined).length).toBeLessThanOrEqual(1);
      }
      // Whoever lost every race, a final call signs the whole chain.
      await a.app.get(CheckpointService).produce({ force: true });

      const leaves = await sealedLeaves(a.dataSource);
      expect(leaves.length).toBe(4 * 700 + 611 * 6);
      await expectStoredNodesMatch(a.dataSource, leaves);

      const { publicKey } = (await b.http().get('/v1/public/checkpoints/key')).body;
      const heads: { tree_size: string }[] = await a.dataSource.query(`SELECT tree_size::text FROM checkpoints ORDER BY tree_size`);
      for (const { tree_size } of heads) {
        const head = (await b.http().get(`/v1/public/checkpoints/${tree_size}`).expect(200)).body;
        expect(verifyTreeHead(head, ed25519PublicKey(publicKey))).toBe(true);
        expect(head.rootHash).toBe(rootOf(leaves.slice(0, Number(tree_size))).toString('hex'));
      }
      const latest = (await b.http().get('/v1/public/checkpoints/latest')).body;
      expect(latest.treeSize).toBe(leaves.length);

      // Proofs on the bigger tree still match the reference, from either instance.
      for (const index of [0, 15, 16, 4095, 4096, leaves.length - 1]) {
        const res = await (index % 2 ? a : b).http().get(`/v1/public/proofs/inclusion?chainIndex=${index}&treeSize=${leaves.length}`).expect(200);
        expect(res.body.path).toEqual(hexes(inclusionProof(index, leaves)));
      }
      for (const from of [1, 16, 700, 4096, leaves.length - 1]) {
        const res = await a.http().get(`/v1/public/proofs/consistency?from=${from}&to=${leaves.length}`).expect(200);
        expect(res.body.path).toEqual(hexes(consistencyProof(from, leaves)));
      }
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('a proof request while another instance extends the stored tree', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A small pool: requests that held a connection while they wait would exhaust it. (Test
    // apps run no sealer, hence no background checkpoint producer: only this test extends the tree.)
    t = await startTransparencyApp({ DB_POOL_SIZE: 4 });
  });
  afterAll(() => t.close());

  it('waits without holding a connection, answers 503 TREE_BUSY if the lock stays taken, and 200 once it is free', async () => {
    await bulkJournalRows(t.dataSource, 100);
    await t.seal();
    const holder = t.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    let proofs: Promise<{ status: number; body: { code?: string } }>[] = [];
    try {
      await holder.query('SELECT pg_advisory_xact_lock($1)', [TREE_LOCK]);
      expect(await t.app.get(MerkleTreeService).ensureCovers(100, 100)).toBe(false);

      proofs = Array.from({ length: 12 }, (_, i) => t.http().get(`/v1/public/proofs/inclusion?chainIndex=${i}&treeSize=100`).then((r) => r));
      // Twelve waiting proof requests on a pool of four: health still gets a connection.
      await t.http().get('/health').expect(200);
      const answered = await Promise.all(proofs);
      expect(answered.map((r) => [r.status, r.body.code])).toEqual(Array.from({ length: 12 }, () => [503, 'TREE_BUSY']));
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    const proof = await t.http().get('/v1/public/proofs/inclusion?chainIndex=7&treeSize=100').expect(200);
    const leaves = await sealedLeaves(t.dataSource);
    expect(proof.body.path).toEqual(hexes(inclusionProof(7, leaves)));
  });
});
