import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1 (the same as RFC 6962's): pure functions, no database, so
 * the service, its tests and the outside verifier all share one definition.
 *
 * Sizes and indexes are JS numbers (exact below 2^53) and are never combined with bitwise
 * operators, which would truncate them to 32 bits.
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT = sha256();

/** MTH({d}) = SHA-256(0x00 ‖ d). The ledger's d is a transaction's 32-byte content hash. */
export function leafHash(data: Buffer): Buffer {
  return sha256(LEAF_PREFIX, data);
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** The largest power of two strictly less than n (n ≥ 2): where RFC 9162 splits a tree. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && 2 ** Math.round(Math.log2(n)) === n;
}

function assertSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative safe integer`);
}

// ---------------------------------------------------------------------------------------------
// Proofs as lists of leaf ranges. Every hash in an RFC 9162 proof is MTH(D[start:end]) for
// some range; listing the ranges first lets a store fetch all of them in one round trip.

/** The leaves [start, end) of the tree; a proof element is the MTH of one such range. */
export interface LeafRange {
  start: number;
  end: number;
}

/** A perfect subtree: leaves [index·2^level, (index+1)·2^level). */
export interface PerfectSubtree {
  level: number;
  index: number;
}

/** The ranges whose hashes make PATH(m, D[n]) of RFC 9162 §2.1.3.1, in proof order. */
export function inclusionRanges(leafIndex: number, treeSize: number): LeafRange[] {
  assertSize('leafIndex', leafIndex);
  assertSize('treeSize', treeSize);
  if (leafIndex >= treeSize) throw new RangeError('leafIndex must be below treeSize');
  const out: LeafRange[] = [];
  // Walk from the root down, then reverse: PATH lists the deepest sibling first.
  let start = 0;
  let end = treeSize;
  let m = leafIndex;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      out.push({ start: start + k, end });
      end = start + k;
    } else {
      out.push({ start, end: start + k });
      start += k;
      m -= k;
    }
  }
  return out.reverse();
}

/** The ranges whose hashes make PROOF(m, D[n]) of RFC 9162 §2.1.4.1, in proof order. */
export function consistencyRanges(fromSize: number, toSize: number): LeafRange[] {
  assertSize('fromSize', fromSize);
  assertSize('toSize', toSize);
  if (fromSize > toSize) throw new RangeError('fromSize must not exceed toSize');
  if (fromSize === 0 || fromSize === toSize) return [];
  // SUBPROOF(m, D[start:end], b), unrolled; collected root-first, then reversed.
  const out: LeafRange[] = [];
  let start = 0;
  let end = toSize;
  let m = fromSize;
  let b = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      out.push({ start: start + k, end });
      end = start + k;
    } else {
      out.push({ start, end: start + k });
      start += k;
      m -= k;
      b = false;
    }
  }
  if (!b) out.push({ start, end });
  return out.reverse();
}

/**
 * Splits a proof range into perfect subtrees, left to right. Proof ranges start at a multiple
 * of a power of two at least their length, so this is the binary decomposition of the length
 * and MTH(range) is the right fold of the parts (see foldSubtrees).
 */
export function perfectSubtrees(range: LeafRange): PerfectSubtree[] {
  const out: PerfectSubtree[] = [];
  let start = range.start;
  while (start < range.end) {
    let size = 1;
    let level = 0;
    while (size * 2 <= range.end - start && start % (size * 2) === 0) {
      size *= 2;
      level++;
    }
    out.push({ level, index: start / size });
    start += size;
  }
  return out;
}

/** MTH of a range from its perfect subtrees' hashes: node(h0, node(h1, … node(hn-2, hn-1))). */
export function foldSubtrees(hashes: Buffer[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i], acc);
  return acc;
}

/** Every perfect subtree a set of ranges needs, each once. */
export function subtreesFor(ranges: LeafRange[]): PerfectSubtree[] {
  const seen = new Map<string, PerfectSubtree>();
  for (const range of ranges) for (const s of perfectSubtrees(range)) seen.set(subtreeKey(s), s);
  return [...seen.values()];
}

export function subtreeKey(s: PerfectSubtree): string {
  return `${s.level}:${s.index}`;
}

/** The hashes of ranges, given the hashes of the perfect subtrees they need. */
export function rangeHashes(ranges: LeafRange[], subtreeHash: (s: PerfectSubtree) => Buffer): Buffer[] {
  return ranges.map((range) => foldSubtrees(perfectSubtrees(range).map(subtreeHash)));
}

// ---------------------------------------------------------------------------------------------
// Reference implementation over leaf hashes held in memory: RFC 9162's recursive definitions,
// word for word. Used by the tests and by anyone checking a small tree by hand.

/** MTH(D[n]) over leaf hashes. */
export function rootOf(leafHashes: Buffer[]): Buffer {
  const n = leafHashes.length;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leafHashes[0];
  const k = splitPoint(n);
  return nodeHash(rootOf(leafHashes.slice(0, k)), rootOf(leafHashes.slice(k)));
}

/** PATH(m, D[n]). */
export function inclusionProof(m: number, leafHashes: Buffer[]): Buffer[] {
  const n = leafHashes.length;
  if (m < 0 || m >= n) throw new RangeError('leaf index out of range');
  if (n === 1) return [];
  const k = splitPoint(n);
  return m < k
    ? [...inclusionProof(m, leafHashes.slice(0, k)), rootOf(leafHashes.slice(k))]
    : [...inclusionProof(m - k, leafHashes.slice(k)), rootOf(leafHashes.slice(0, k))];
}

/** PROOF(m, D[n]); empty when m is 0 or n. */
export function consistencyProof(m: number, leafHashes: Buffer[]): Buffer[] {
  const n = leafHashes.length;
  if (m < 0 || m > n) throw new RangeError('first size out of range');
  if (m === 0 || m === n) return [];
  return subproof(m, leafHashes, true);
}

function subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  const n = d.length;
  if (m === n) return b ? [] : [rootOf(d)];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), rootOf(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), rootOf(d.slice(0, k))];
}

// ---------------------------------------------------------------------------------------------
// Verification, as RFC 9162 §2.1.3.2 and §2.1.4.2 write it.

const isOdd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/**
 * The root an inclusion proof leads to, or undefined when the proof cannot belong to a tree
 * of this size (wrong length, index out of range).
 */
export function rootFromInclusionProof(leafIndex: number, treeSize: number, leaf: Buffer, path: Buffer[]): Buffer | undefined {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return undefined;
  if (leaf.length !== 32 || path.some((p) => p.length !== 32)) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

export function verifyInclusion(leafIndex: number, treeSize: number, leaf: Buffer, path: Buffer[], root: Buffer): boolean {
  const computed = rootFromInclusionProof(leafIndex, treeSize, leaf, path);
  return computed !== undefined && computed.equals(root);
}

/** True when the tree of size `toSize` with root `toRoot` extends the one of `fromSize`/`fromRoot`. */
export function verifyConsistency(fromSize: number, toSize: number, fromRoot: Buffer, toRoot: Buffer, path: Buffer[]): boolean {
  if (!Number.isSafeInteger(fromSize) || !Number.isSafeInteger(toSize) || fromSize < 0 || fromSize > toSize) return false;
  if (path.some((p) => p.length !== 32)) return false;
  if (fromSize === toSize) return path.length === 0 && fromRoot.equals(toRoot);
  if (fromSize === 0) return path.length === 0; // the empty tree is a prefix of every tree
  if (path.length === 0) return false;

  const c = isPowerOfTwo(fromSize) ? [fromRoot, ...path] : path;
  let fn = fromSize - 1;
  let sn = toSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = c[0];
  let sr = c[0];
  for (const p of c.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(p, fr);
      sr = nodeHash(p, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(fromRoot) && sr.equals(toRoot);
}
