import { Injectable } from '@nestjs/common';
import { TreeBusy } from '../attestation-errors';
import { setTimeout as delay } from 'node:timers/promises';
import { EntityManager } from 'typeorm';
import { tryLockedTransaction } from '../../database/advisory-lock';
import { Database } from '../../database/database';
import {
  consistencyRanges,
  foldSubtrees,
  inclusionRanges,
  leafHash,
  nodeHash,
  PerfectSubtree,
  perfectSubtrees,
  rangeHashes,
  subtreeKey,
  subtreesFor,
} from '../../tlog/merkle';

/** Perfect subtrees from this level up are stored in merkle_nodes; lower ones are recomputed. */
export const STORED_MIN_LEVEL = 4;
const BLOCK = 2 ** STORED_MIN_LEVEL;
/** Leaves hashed per transaction while extending the stored tree (a multiple of BLOCK). */
const EXTEND_CHUNK = 4096;
/** Advisory-lock key: one instance at a time extends the stored tree or signs a checkpoint. */
export const TREE_LOCK = 7_404_003;
/**
 * How long a proof request waits, with no progress, for whoever is extending the stored tree.
 * It polls with a try-lock between waits, holding no pooled connection, so a burst of anonymous
 * proof requests cannot tie up the pool behind one long extension.
 */
const BUSY_WAIT_MS = 5000;
const BUSY_POLL_MS = 25;


interface Sizes {
  /** Sealed chain length: the largest tree that exists. */
  sealed: number;
  /** Leaves covered by stored level-4 nodes (a multiple of 16). */
  covered: number;
}

/**
 * The RFC 9162 tree over the sealed chain, kept in PostgreSQL as the hashes of its perfect
 * subtrees of 16 leaves and more (merkle_nodes, about one row per 8 transactions). A proof or
 * root needs O(log n) perfect subtrees: the stored ones come from one indexed lookup, the small
 * ones from at most 16 chain rows each, so any proof costs three queries and never reads the
 * whole chain. The stored tree is extended incrementally (only new leaves are read), under an
 * advisory lock, so several instances can share one database.
 */
@Injectable()
export class MerkleTreeService {
  constructor(private readonly database: Database) {}

  async sizes(db: EntityManager = this.database.reader): Promise<Sizes> {
    const [row] = await db.query(
      `SELECT (SELECT coalesce(max(chain_index) + 1, 0) FROM journal_chain)::text AS sealed,
              (SELECT coalesce(max(idx) + 1, 0) FROM merkle_nodes WHERE level = $1)::text AS blocks`,
      [STORED_MIN_LEVEL],
    );
    return { sealed: Number(row.sealed), covered: Number(row.blocks) * BLOCK };
  }

  /**
   * Makes sure the stored tree covers every perfect subtree a tree of `size` leaves needs,
   * hashing new chain rows as needed. While someone else holds the lock (another instance, the
   * checkpoint producer, another proof request), polls; false once `waitMs` passed with no
   * progress.
   */
  async ensureCovers(size: number, waitMs = BUSY_WAIT_MS): Promise<boolean> {
    const target = Math.floor(size / BLOCK) * BLOCK;
    let deadline = Date.now() + waitMs;
    let seen = -1;
    for (;;) {
      const { covered } = await this.sizes();
      if (covered >= target) return true;
      // Whoever holds the lock is extending the tree: wait as long as it makes progress.
      if (covered > seen) [seen, deadline] = [covered, Date.now() + waitMs];
      const step =
        (await tryLockedTransaction(this.database, TREE_LOCK, async (db) =>
          (await this.extendOneChunk(db, target)) === undefined ? 'complete' : 'extended',
        )) ?? 'busy';
      if (step === 'complete') return true; // nothing sealed left to add
      if (step === 'busy') {
        if (Date.now() >= deadline) return false;
        await delay(BUSY_POLL_MS);
      }
    }
  }

  /**
   * Extends the stored tree towards `size` leaves (at most the sealed size) inside the caller's
   * transaction, which must hold TREE_LOCK. Returns the leaves now covered.
   */
  async extendWithin(db: EntityManager, size: number): Promise<number> {
    for (;;) {
      const covered = await this.extendOneChunk(db, Math.floor(size / BLOCK) * BLOCK);
      if (covered === undefined) return (await this.sizes(db)).covered;
    }
  }

  /** Hashes up to EXTEND_CHUNK new leaves into stored nodes; undefined when nothing was left. */
  private async extendOneChunk(db: EntityManager, target: number): Promise<number | undefined> {
    const { sealed, covered } = await this.sizes(db);
    const end = Math.min(target, Math.floor(sealed / BLOCK) * BLOCK, covered + EXTEND_CHUNK);
    if (end <= covered) return undefined;
    await this.storeNodes(db, covered, end);
    return end;
  }

  /** Stores every perfect subtree of level ≥ 4 that ends in (start, end]; start and end are multiples of 16. */
  private async storeNodes(db: EntityManager, start: number, end: number): Promise<void> {
    const leaves = await this.leafHashes(db, start, end);
    const rows = { level: [] as number[], idx: [] as string[], hash: [] as Buffer[] };

    // Level 4 from the leaves, 16 at a time.
    let level = STORED_MIN_LEVEL;
    let lo = start / BLOCK;
    let hashes: Buffer[] = [];
    for (let i = 0; i < leaves.length; i += BLOCK) hashes.push(perfectRoot(leaves.slice(i, i + BLOCK)));
    const push = () => hashes.forEach((h, i) => (rows.level.push(level), rows.idx.push(String(lo + i)), rows.hash.push(h)));
    push();

    // Higher levels: a new node's left child may be an older node (a left sibling on the
    // frontier of the tree as it was), fetched once here.
    const frontier = await this.frontierBefore(db, start);
    for (;;) {
      const parentLevel = level + 1;
      const parentLo = Math.floor(start / 2 ** parentLevel);
      const parentHi = Math.floor(end / 2 ** parentLevel);
      if (parentHi <= parentLo) break;
      const parents: Buffer[] = [];
      for (let idx = parentLo; idx < parentHi; idx++) {
        const leftIdx = 2 * idx;
        const left = leftIdx >= lo ? hashes[leftIdx - lo] : frontier.get(level);
        if (!left) throw new Error(`merkle_nodes lacks node (${level}, ${leftIdx})`);
        parents.push(nodeHash(left, hashes[leftIdx + 1 - lo]));
      }
      level = parentLevel;
      lo = parentLo;
      hashes = parents;
      push();
    }
    await db.query(
      `INSERT INTO merkle_nodes (level, idx, hash)
       SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`,
      [rows.level, rows.idx, rows.hash],
    );
  }

  /** For each stored level whose next node starts a right child: its left sibling. */
  private async frontierBefore(db: EntityManager, covered: number): Promise<Map<number, Buffer>> {
    const levels: number[] = [];
    const idxs: string[] = [];
    for (let level = STORED_MIN_LEVEL; 2 ** level <= covered; level++) {
      const next = Math.floor(covered / 2 ** level);
      if (next % 2 === 1) {
        levels.push(level);
        idxs.push(String(next - 1));
      }
    }
    if (levels.length === 0) return new Map();
    const rows: { level: number; hash: Buffer }[] = await db.query(
      `SELECT m.level, m.hash FROM merkle_nodes m
         JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON m.level = w.level AND m.idx = w.idx`,
      [levels, idxs],
    );
    return new Map(rows.map((r) => [Number(r.level), r.hash]));
  }

  /** Leaf hashes of chain positions [start, end), in order; throws on a gap. */
  private async leafHashes(db: EntityManager, start: number, end: number): Promise<Buffer[]> {
    const rows: { content_hash: Buffer }[] = await db.query(
      `SELECT t.content_hash FROM journal_chain c JOIN journal_transactions t ON t.seq = c.transaction_seq
        WHERE c.chain_index >= $1 AND c.chain_index < $2 ORDER BY c.chain_index`,
      [start, end],
    );
    if (rows.length !== end - start) throw new Error(`journal_chain has ${rows.length} rows in [${start}, ${end})`);
    return rows.map((r) => leafHash(r.content_hash));
  }

  /** Hashes of perfect subtrees: stored ones in one lookup, small ones from their leaves in another. */
  async subtreeHashes(db: EntityManager, subtrees: PerfectSubtree[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const stored = subtrees.filter((s) => s.level >= STORED_MIN_LEVEL);
    const small = subtrees.filter((s) => s.level < STORED_MIN_LEVEL);
    if (stored.length > 0) {
      const rows: { level: number; idx: string; hash: Buffer }[] = await db.query(
        `SELECT m.level, m.idx::text AS idx, m.hash FROM merkle_nodes m
           JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON m.level = w.level AND m.idx = w.idx`,
        [stored.map((s) => s.level), stored.map((s) => String(s.index))],
      );
      for (const r of rows) out.set(subtreeKey({ level: Number(r.level), index: Number(r.idx) }), r.hash);
      const missing = stored.find((s) => !out.has(subtreeKey(s)));
      if (missing) throw new Error(`merkle_nodes lacks node (${missing.level}, ${missing.index})`);
    }
    if (small.length > 0) {
      const indexes = [...new Set(small.flatMap((s) => range(s.index * 2 ** s.level, (s.index + 1) * 2 ** s.level)))];
      const rows: { chain_index: string; content_hash: Buffer }[] = await db.query(
        `SELECT c.chain_index::text AS chain_index, t.content_hash
           FROM journal_chain c JOIN journal_transactions t ON t.seq = c.transaction_seq
          WHERE c.chain_index = ANY ($1::bigint[])`,
        [indexes.map(String)],
      );
      const leaves = new Map(rows.map((r) => [Number(r.chain_index), leafHash(r.content_hash)]));
      for (const s of small) {
        const span = range(s.index * 2 ** s.level, (s.index + 1) * 2 ** s.level).map((i) => {
          const leaf = leaves.get(i);
          if (!leaf) throw new Error(`journal_chain lacks chain index ${i}`);
          return leaf;
        });
        out.set(subtreeKey(s), perfectRoot(span));
      }
    }
    return out;
  }

  /** MTH of the first `size` sealed transactions. The stored tree must cover it (see ensureCovers). */
  async root(db: EntityManager, size: number): Promise<Buffer> {
    const parts = perfectSubtrees({ start: 0, end: size });
    const hashes = await this.subtreeHashes(db, parts);
    return foldSubtrees(parts.map((p) => hashes.get(subtreeKey(p))!));
  }

  /** The leaf hash of `leafIndex` and its audit path in the tree of `treeSize` (≤ the sealed size). */
  async inclusionProof(leafIndex: number, treeSize: number): Promise<{ leafHash: Buffer; path: Buffer[] }> {
    if (!(await this.ensureCovers(treeSize))) throw new TreeBusy();
    const ranges = inclusionRanges(leafIndex, treeSize);
    const leaf = { level: 0, index: leafIndex };
    const hashes = await this.subtreeHashes(this.database.reader, [...subtreesFor(ranges), leaf]);
    return { leafHash: hashes.get(subtreeKey(leaf))!, path: rangeHashes(ranges, (s) => hashes.get(subtreeKey(s))!) };
  }

  /** PROOF(from, D[to]) over the sealed chain (to ≤ the sealed size). */
  async consistencyProof(from: number, to: number): Promise<Buffer[]> {
    if (!(await this.ensureCovers(to))) throw new TreeBusy();
    const ranges = consistencyRanges(from, to);
    const hashes = await this.subtreeHashes(this.database.reader, subtreesFor(ranges));
    return rangeHashes(ranges, (s) => hashes.get(subtreeKey(s))!);
  }
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** Root of a perfect subtree (a power-of-two count of leaf hashes), pairing level by level. */
function perfectRoot(level: Buffer[]): Buffer {
  let current = level;
  while (current.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < current.length; i += 2) next.push(nodeHash(current[i], current[i + 1]));
    current = next;
  }
  return current[0];
}
