import { FindingDecision, nextStatus, tally } from '../../src/oversight/cases/case-quorum';

const f = (id: number, principalId: string, organizationId: string, decision: FindingDecision['decision']): FindingDecision => ({ id, principalId, organizationId, decision });
const everyone = () => true;

describe('case quorum', () => {
  it('counts organizations, not people', () => {
    const counts = tally([f(1, 'a1', 'A', 'verify'), f(2, 'a2', 'A', 'verify'), f(3, 'a3', 'A', 'verify')], null, everyone);
    expect(counts.verify).toBe(1);
    expect(nextStatus('alleged', counts, 2)).toBe('alleged');
    expect(nextStatus('alleged', tally([f(1, 'a1', 'A', 'verify'), f(2, 'b1', 'B', 'verify')], null, everyone), 2)).toBe('verified');
  });

  it('takes each monitor’s latest decision, in finding order whatever the input order', () => {
    const counts = tally([f(3, 'a1', 'A', 'dismiss'), f(1, 'a1', 'A', 'verify'), f(2, 'b1', 'B', 'verify')], null, everyone);
    expect({ verify: counts.verify, dismiss: counts.dismiss, counting: [...counts.counting].sort() }).toEqual({ verify: 1, dismiss: 1, counting: [2, 3] });
  });

  it('ignores findings that are not eligible', () => {
    const counts = tally([f(1, 'a1', 'A', 'verify'), f(2, 'b1', 'B', 'verify')], null, (x) => x.principalId !== 'b1');
    expect(counts.verify).toBe(1);
  });

  it('keeps the verify round and the lift round apart', () => {
    const findings = [f(1, 'a1', 'A', 'verify'), f(2, 'b1', 'B', 'verify'), f(3, 'c1', 'C', 'verify'), f(4, 'a1', 'A', 'lift')];
    const counts = tally(findings, 2, everyone);
    // Finding 3 came after the verification: a late verdict, counted in neither round.
    expect({ verify: counts.verify, lift: counts.lift, counting: [...counts.counting].sort() }).toEqual({ verify: 2, lift: 1, counting: [1, 2, 4] });
    expect(nextStatus('verified', counts, 2)).toBe('verified');
    expect(nextStatus('verified', tally([...findings, f(5, 'b2', 'B', 'lift')], 2, everyone), 2)).toBe('resolved');
  });

  it('a lift before verification does not count toward lifting', () => {
    expect(tally([f(1, 'a1', 'A', 'lift'), f(2, 'b1', 'B', 'verify')], 2, everyone).lift).toBe(0);
  });

  it('moves only alleged and verified cases', () => {
    const all = tally([f(1, 'a', 'A', 'dismiss'), f(2, 'b', 'B', 'dismiss')], null, everyone);
    expect(nextStatus('alleged', all, 2)).toBe('dismissed');
    expect(nextStatus('dismissed', all, 2)).toBe('dismissed');
    expect(nextStatus('resolved', all, 1)).toBe('resolved');
  });
});
