import fc from 'fast-check';
import { benchmarkStatus, SignoffDecision, unmetReleaseConditions } from '../../src/escrow/benchmarks/benchmark-status';

const s = (principalId: string, organizationId: string, decision: 'approve' | 'reject'): SignoffDecision => ({ principalId, organizationId, decision });

describe('benchmarkStatus', () => {
  it('is pending with no sign-offs', () => {
    expect(benchmarkStatus([], 2)).toBe('pending');
  });

  it('counts distinct organizations, not monitors', () => {
    expect(benchmarkStatus([s('m1', 'orgA', 'approve'), s('m2', 'orgA', 'approve')], 2)).toBe('pending');
    expect(benchmarkStatus([s('m1', 'orgA', 'approve'), s('m3', 'orgB', 'approve')], 2)).toBe('met');
  });

  it('is blocked while any monitor’s latest decision is a reject, even with a quorum', () => {
    const signoffs = [s('m1', 'orgA', 'approve'), s('m2', 'orgB', 'approve'), s('m3', 'orgC', 'reject')];
    expect(benchmarkStatus(signoffs, 2)).toBe('blocked');
  });

  it('takes each monitor’s latest decision: a withdrawn approval no longer counts', () => {
    expect(benchmarkStatus([s('m1', 'orgA', 'approve'), s('m2', 'orgB', 'approve'), s('m2', 'orgB', 'reject')], 2)).toBe('blocked');
    expect(benchmarkStatus([s('m1', 'orgA', 'reject'), s('m1', 'orgA', 'approve'), s('m2', 'orgB', 'approve')], 2)).toBe('met');
  });

  it('never counts more organizations than approved: property', () => {
    const signoff = fc.record({
      principalId: fc.constantFrom('m1', 'm2', 'm3', 'm4'),
      organizationId: fc.constantFrom('oA', 'oB', 'oC'),
      decision: fc.constantFrom<'approve' | 'reject'>('approve', 'reject'),
    });
    fc.assert(
      fc.property(fc.array(signoff, { maxLength: 12 }), fc.integer({ min: 1, max: 4 }), (signoffs, required) => {
        const latest = new Map(signoffs.map((x) => [x.principalId, x]));
        const status = benchmarkStatus(signoffs, required);
        const approvingOrgs = new Set([...latest.values()].filter((x) => x.decision === 'approve').map((x) => x.organizationId));
        if (status === 'met') expect(approvingOrgs.size).toBeGreaterThanOrEqual(required);
        if (status === 'blocked') expect([...latest.values()].some((x) => x.decision === 'reject')).toBe(true);
        if ([...latest.values()].some((x) => x.decision === 'reject')) expect(status).toBe('blocked');
      }),
    );
  });
});

describe('unmetReleaseConditions', () => {
  it('needs a benchmark of each kind, all met', () => {
    expect(unmetReleaseConditions([])).toEqual(['no humanitarian_access benchmark', 'no anti_corruption benchmark']);
    expect(unmetReleaseConditions([{ kind: 'humanitarian_access', status: 'met' }])).toEqual(['no anti_corruption benchmark']);
    expect(
      unmetReleaseConditions([
        { kind: 'humanitarian_access', status: 'met' },
        { kind: 'anti_corruption', status: 'met' },
        { kind: 'anti_corruption', status: 'blocked' },
      ]),
    ).toEqual(['anti_corruption benchmark is blocked']);
    expect(
      unmetReleaseConditions([
        { kind: 'humanitarian_access', status: 'met' },
        { kind: 'anti_corruption', status: 'met' },
      ]),
    ).toEqual([]);
  });
});
