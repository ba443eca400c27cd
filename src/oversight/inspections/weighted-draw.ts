import { createHash } from 'node:crypto';
import { Decimal } from '../../common/money/money';

/** One candidate of a draw: a tranche and the money it has at risk (allocated, not yet released). */
export interface DrawCandidate {
  trancheId: string;
  /** A decimal string with at most 3 fraction digits (every currency's minor units fit). */
  weight: string;
}

const DOMAIN = Buffer.from('aid-escrow-ledger/inspection-draw/v1', 'utf8');
const TWO_256 = 1n << 256n;

/**
 * Draws `count` distinct tranches at random without replacement, each pick weighted by its
 * remaining candidates' weights, entirely determined by `seed`: anyone holding the seed and the
 * population (both in the journal once revealed) gets the same picks, in the same order.
 *
 * Exact integer arithmetic, so every implementation agrees: weights in thousandths; the k-th
 * pick draws r uniformly from [0, total) as SHA-256(domain ‖ seed ‖ u32be(k) ‖ u32be(attempt))
 * read as a 256-bit big-endian integer, rejected (attempt + 1) when it falls in the last
 * incomplete multiple of total (no modulo bias), and picks the first remaining candidate, in the
 * population's order (ascending tranche id), whose cumulative weight exceeds r.
 */
export function drawWeighted(seed: Buffer, population: readonly DrawCandidate[], count: number): string[] {
  const remaining = population
    .map((c) => ({ trancheId: c.trancheId, units: BigInt(new Decimal(c.weight).times(1000).toFixed(0)) }))
    .filter((c) => c.units > 0n);
  const picks: string[] = [];
  for (let k = 0; k < count && remaining.length > 0; k++) {
    const total = remaining.reduce((sum, c) => sum + c.units, 0n);
    const r = uniformBelow(total, seed, k);
    let cumulative = 0n;
    const index = remaining.findIndex((c) => (cumulative += c.units) > r);
    picks.push(remaining[index].trancheId);
    remaining.splice(index, 1);
  }
  return picks;
}

function uniformBelow(total: bigint, seed: Buffer, k: number): bigint {
  const limit = TWO_256 - (TWO_256 % total);
  for (let attempt = 0; ; attempt++) {
    const counters = Buffer.alloc(8);
    counters.writeUInt32BE(k, 0);
    counters.writeUInt32BE(attempt, 4);
    const x = BigInt(`0x${createHash('sha256').update(DOMAIN).update(seed).update(counters).digest('hex')}`);
    if (x < limit) return x % total;
  }
}

/** The population in its canonical order (ascending tranche id, as strings compare). */
export function canonicalPopulation(candidates: readonly DrawCandidate[]): DrawCandidate[] {
  return [...candidates].sort((a, b) => (a.trancheId < b.trancheId ? -1 : a.trancheId > b.trancheId ? 1 : 0));
}
