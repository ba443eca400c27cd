import { Money } from '../../src/common/money/money';
import { InvalidInput } from '../../src/common/errors/common-errors';
import { tierFor, validatedTiers } from '../../src/escrow/approval-policy/approval-tiers';
import { finalAuditMet } from '../../src/escrow/benchmarks/benchmark-status';
import { repeatedApproval, tallyApprovals } from '../../src/escrow/releases/approval-count';
import { isInstant } from '../../src/escrow/tranches/dto/is-instant.decorator';
import { retentionShare, trancheAmounts } from '../../src/escrow/tranches/tranche-amounts';
import { TrancheRow } from '../../src/escrow/tranches/tranche.types';

const tranche = (over: Partial<TrancheRow> = {}): TrancheRow => ({
  id: 't', escrow_account_id: 'e', donor_organization_id: 'd', recipient_organization_id: 'r', category: 'utilities', phase: 1,
  amount: '1000.00', currency: 'USD', status: 'allocated', description: null, released_amount: '0', returned_amount: '0',
  retention_percent: 10, retention_amount: '100.00', release_by: null, ...over,
});

describe('tranche amounts', () => {
  it('retain the share until the final audit, never more than remains', () => {
    expect(figures(trancheAmounts(tranche(), false))).toEqual({ remaining: '1000.00', retained: '100.00', releasable: '900.00' });
    expect(figures(trancheAmounts(tranche({ released_amount: '950.00' }), false))).toEqual({ remaining: '50.00', retained: '50.00', releasable: '0.00' });
    expect(figures(trancheAmounts(tranche({ released_amount: '300.00' }), true))).toEqual({ remaining: '700.00', retained: '0.00', releasable: '700.00' });
  });

  it('round the retained share up to the minor unit', () => {
    expect(retentionShare(Money.of('0.01', 'USD'), 50).toString()).toBe('0.01');
    expect(retentionShare(Money.of('333', 'JPY'), 10).toString()).toBe('34');
    expect(retentionShare(Money.of('1.001', 'KWD'), 0).toString()).toBe('0.000');
    expect(retentionShare(Money.of('999999999999999.99', 'USD'), 33).toString()).toBe('330000000000000.00');
  });

  function figures(a: ReturnType<typeof trancheAmounts>) {
    return { remaining: a.remaining.toString(), retained: a.retained.toString(), releasable: a.releasable.toString() };
  }
});

describe('final audit', () => {
  it('is met only with at least one final_audit benchmark, all met', () => {
    expect(finalAuditMet([])).toBe(false);
    expect(finalAuditMet([{ kind: 'humanitarian_access', status: 'met' }])).toBe(false);
    expect(finalAuditMet([{ kind: 'final_audit', status: 'met' }])).toBe(true);
    expect(finalAuditMet([{ kind: 'final_audit', status: 'met' }, { kind: 'final_audit', status: 'blocked' }])).toBe(false);
  });
});

describe('approval tiers', () => {
  const tiers = validatedTiers(
    [{ minAmount: '0', approvals: 1 }, { minAmount: '1000.00', approvals: 2 }, { minAmount: '50000', approvals: 3, distinctOrganizations: true }],
    'USD',
  );

  it('pick the tier with the largest minAmount not above the amount', () => {
    expect(tierFor(tiers, Money.of('999.99', 'USD')).approvals).toBe(1);
    expect(tierFor(tiers, Money.of('1000.00', 'USD')).approvals).toBe(2);
    expect(tierFor(tiers, Money.of('49999.99', 'USD')).approvals).toBe(2);
    expect(tierFor(tiers, Money.of('50000.00', 'USD'))).toEqual({ minAmount: '50000', approvals: 3, distinctOrganizations: true });
    expect(tiers[0].distinctOrganizations).toBe(false);
  });

  it.each([
    ['tiers.0.minAmount', [{ minAmount: '1', approvals: 1 }]],
    ['tiers.1.minAmount', [{ minAmount: '0', approvals: 1 }, { minAmount: '0', approvals: 1 }]],
    ['tiers.2.minAmount', [{ minAmount: '0', approvals: 1 }, { minAmount: '10', approvals: 1 }, { minAmount: '9.99', approvals: 2 }]],
    ['tiers.1.approvals', [{ minAmount: '0', approvals: 2 }, { minAmount: '10', approvals: 1 }]],
    ['tiers.1.minAmount', [{ minAmount: '0', approvals: 1 }, { minAmount: '10.001', approvals: 1 }]],
    ['tiers.0.minAmount', [{ minAmount: '0.000', approvals: 1 }]],
  ])('refuse a broken rule, naming %s', (field, broken) => {
    const error = capture(() => validatedTiers(broken, 'USD'));
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).fields).toEqual([field]);
  });

  function capture(work: () => unknown): unknown {
    try {
      work();
    } catch (error) {
      return error;
    }
    throw new Error('expected a refusal');
  }
});

describe('approval tally', () => {
  const rule = { requiredApprovals: 2, distinctOrganizations: true, requestedBy: 'maker', donorOrganizationId: 'd', recipientOrganizationId: 'r' };
  const admin = (org: string, active = true) => ({ active, organizationId: org, organizationType: 'admin' });

  it('counts active eligible admins, organizations once under distinctOrganizations', () => {
    const standings = new Map([['a', admin('X')], ['b', admin('X')], ['c', admin('Y', false)], ['m', admin('Y')]]);
    const given = [{ principalId: 'a', organizationId: 'X' }, { principalId: 'b', organizationId: 'X' }, { principalId: 'c', organizationId: 'Y' }];
    const tally = tallyApprovals(rule, given, standings);
    expect({ counting: tally.counting.map((a) => a.principalId), remaining: tally.remaining }).toEqual({ counting: ['a', 'b'], remaining: 1 });
    expect(tallyApprovals({ ...rule, distinctOrganizations: false }, given, standings).remaining).toBe(0);
    expect(repeatedApproval(rule, given, tally, { principalId: 'a', organizationId: 'X' })).toMatch(/already approved/);
    expect(repeatedApproval(rule, given, tally, { principalId: 'z', organizationId: 'X' })).toMatch(/distinct organizations/);
    // c's approval no longer counts (revoked): another admin of its organization may approve.
    expect(repeatedApproval(rule, given, tally, { principalId: 'm', organizationId: 'Y' })).toBeUndefined();
  });
});

describe('releaseBy instants', () => {
  it.each(['2027-06-30T23:59:59Z', '2027-06-30T23:59Z', '2028-02-29T00:00:00.123456+05:30', '2027-01-01T00:00:00-12:00'])('accept %s', (text) => {
    expect(isInstant(text)).toBe(true);
  });
  it.each(['2027-06-30', '2027-06-30T23:59:59', '2027-02-29T00:00:00Z', '2027-02-28T24:00:00Z', '2027-13-01T00:00:00Z', '2027-01-01T00:00:60Z', '2027-01-01T00:00:00+24:00', ' 2027-01-01T00:00:00Z', 20270101])(
    'refuse %p',
    (text) => expect(isInstant(text)).toBe(false),
  );
});
