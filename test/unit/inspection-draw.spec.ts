import { randomBytes } from 'node:crypto';
import { commitmentOf } from '../../src/oversight/inspections/commitment';
import { verifyInspectionCommitments } from '../../src/oversight/inspections/inspection-commitments';
import { canonicalPopulation, drawWeighted } from '../../src/oversight/inspections/weighted-draw';
import { canonicalJson, sha256 } from '../../src/ledger/canonical-body';

describe('the weighted inspection draw', () => {
  const population = canonicalPopulation([
    { trancheId: 'c', weight: '300.00' },
    { trancheId: 'a', weight: '100.00' },
    { trancheId: 'b', weight: '0.001' },
    { trancheId: 'z', weight: '0' },
  ]);

  it('is fixed by the seed: same seed, same picks, in order', () => {
    const seed = Buffer.alloc(32, 7);
    expect(drawWeighted(seed, population, 3)).toEqual(drawWeighted(Buffer.from(seed), population, 3));
  });

  it('never repeats a tranche, never picks a weightless one, and stops when the candidates run out', () => {
    for (let i = 0; i < 200; i++) {
      const picks = drawWeighted(randomBytes(32), population, 10);
      expect(picks.sort()).toEqual(['a', 'b', 'c']);
    }
  });

  it('picks in proportion to the money at risk', () => {
    let c = 0;
    const runs = 4000;
    for (let i = 0; i < runs; i++) if (drawWeighted(randomBytes(32), population, 1)[0] === 'c') c++;
    // Expected 300/400.001 ≈ 0.75; four thousand runs put it within ±0.03 but for one in a million.
    expect(Math.abs(c / runs - 0.75)).toBeLessThan(0.03);
  });

  // Computed apart from this code, by a short Python script following the algorithm as the
  // README states it: any faithful implementation gives these picks.
  it('matches a vector computed independently from the documented algorithm', () => {
    expect(drawWeighted(Buffer.alloc(32, 0), population, 3)).toEqual(['c', 'a', 'b']);
  });
});

describe('inspection commitments from the journal', () => {
  const preimage = { id: 'i1', scope: 'tranche' as const, ids: { trancheId: 't1' }, assignedMonitorId: 'm1', dueBy: '2030-01-01T00:00:00.000Z', nonce: 'ab'.repeat(16) };
  const item = (seq: number, kind: string, refs: object, details: object) => {
    const body = { kind, refs, details };
    return { seq, kind, body, contentHash: sha256(canonicalJson(body)).toString('hex') };
  };

  it('accepts a reveal matching its earlier commitment, and counts what is pending', () => {
    const report = verifyInspectionCommitments([
      item(1, 'inspection_scheduled', { inspectionId: 'i1' }, { commitment: commitmentOf(preimage) }),
      item(2, 'inspection_scheduled', { inspectionId: 'i2' }, { commitment: '0'.repeat(64) }),
      item(3, 'inspection_finding', { inspectionId: 'i1' }, { revealed: preimage }),
    ]);
    expect(report).toEqual({ ok: true, scheduled: 2, revealed: 1, pending: 1, draws: 0, drawsRevealed: 0, problems: [] });
  });

  it('refuses a reveal that changed anything, a short nonce, or a finding with no commitment before it', () => {
    const scheduled = item(1, 'inspection_scheduled', { inspectionId: 'i1' }, { commitment: commitmentOf(preimage) });
    const changed = verifyInspectionCommitments([scheduled, item(2, 'inspection_finding', { inspectionId: 'i1' }, { revealed: { ...preimage, ids: { trancheId: 't2' } } })]);
    expect(changed.problems.map((p) => p.problem)).toEqual([expect.stringContaining('does not match the commitment')]);
    const short = { ...preimage, nonce: 'abcd' };
    const weak = verifyInspectionCommitments([item(1, 'inspection_scheduled', { inspectionId: 'i1' }, { commitment: commitmentOf(short) }), item(2, 'inspection_finding', { inspectionId: 'i1' }, { revealed: short })]);
    expect(weak.problems.map((p) => p.problem)).toEqual([expect.stringContaining('128 bits')]);
    const orphan = verifyInspectionCommitments([item(2, 'inspection_finding', { inspectionId: 'i1' }, { revealed: preimage })]);
    expect(orphan.ok).toBe(false);
  });

  it('re-runs a draw from its revealed seed and catches a target that is not the seed’s', () => {
    const seed = Buffer.alloc(32, 9);
    const population = canonicalPopulation([{ trancheId: 't1', weight: '5.00' }, { trancheId: 't2', weight: '5.00' }, { trancheId: 't3', weight: '5.00' }]);
    const [pick] = drawWeighted(seed, population, 1);
    const honest = { ...preimage, ids: { trancheId: pick } };
    const other = population.find((c) => c.trancheId !== pick)!.trancheId;
    const journal = (revealed: typeof preimage, seedHex: string) => [
      item(1, 'inspections_drawn', { drawId: 'd1' }, { seedCommitment: sha256(seed).toString('hex'), population, inspectionIds: ['i1'] }),
      item(2, 'inspection_scheduled', { inspectionId: 'i1', drawId: 'd1' }, { commitment: commitmentOf(revealed) }),
      item(3, 'inspection_finding', { inspectionId: 'i1', drawId: 'd1' }, { revealed, draw: { drawId: 'd1', seed: seedHex } }),
    ];
    expect(verifyInspectionCommitments(journal(honest, seed.toString('hex')))).toMatchObject({ ok: true, draws: 1, drawsRevealed: 1 });
    const chosen = verifyInspectionCommitments(journal({ ...preimage, ids: { trancheId: other } }, seed.toString('hex')));
    expect(chosen.problems.map((p) => p.problem)).toEqual([expect.stringContaining('is pick 0')]);
    const wrongSeed = verifyInspectionCommitments(journal(honest, 'ff'.repeat(32)));
    expect(wrongSeed.problems.map((p) => p.problem)).toEqual([expect.stringContaining('does not match its commitment')]);
  });
});
