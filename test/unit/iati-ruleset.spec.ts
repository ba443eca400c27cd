import { ActivityStatus, IatiActivity, iatiActivitiesXml, OrganisationRole, TransactionType } from '../../src/reporting/iati/iati-xml';
import { ESCROW_DEFAULTS } from '../../src/reporting/iati/iati-codes';
import { codesInDocument } from '../support/iati-codelists';
import { applyRuleset, loadRuleset, RULE_KINDS } from '../support/iati-ruleset';
import { describeWithIatiSchema } from '../support/system-tools';

const reporter = { ref: 'XI-IATI-AEL', name: 'Aid Escrow Ledger', type: '40' };
const escrow = { ...reporter };
const day = (d: string) => new Date(`${d}T10:00:00.000Z`);

function activity(overrides: Partial<IatiActivity> = {}): IatiActivity {
  return {
    identifier: 'XI-IATI-AEL-1',
    title: 'Northern reconstruction',
    description: 'Water and clinics',
    currency: 'USD',
    status: ActivityStatus.implementation,
    lastUpdated: day('2025-03-01'),
    startDate: day('2025-01-01'),
    endDate: null,
    participants: [
      { role: OrganisationRole.accountable, org: escrow },
      { role: OrganisationRole.funding, org: { name: 'Fund', ref: 'GB-GOV-1', type: '10' } },
      { role: OrganisationRole.implementing, org: { name: 'Utility' } },
    ],
    recipient: { country: 'UA' },
    sectors: [
      { vocabulary: '1', code: '14030', name: 'Water', percentage: '60.00' },
      { vocabulary: '1', code: '12230', name: 'Health', percentage: '40.00' },
    ],
    humanitarianScopes: [{ type: '1', vocabulary: '1-2', code: 'EQ-2015-000048-NPL' }],
    defaults: ESCROW_DEFAULTS,
    budgets: [{ type: '1', status: '2', periodStart: day('2025-01-01'), periodEnd: day('2025-12-31'), value: '600.00' }],
    transactions: [
      { ref: 'd1', type: TransactionType.incomingFunds, date: day('2025-01-02'), value: '1000.00', description: 'Deposit', provider: { name: 'Fund' }, receiver: escrow },
      { ref: 'a1', type: TransactionType.outgoingCommitment, date: day('2025-01-03'), value: '600.00', description: 'Allocation', provider: escrow, receiver: { name: 'Utility' } },
    ],
    conditions: [],
    ...overrides,
  };
}

const document = (a: IatiActivity, who = reporter) => iatiActivitiesXml(who, [a], day('2025-07-01'));

/** The ids of the rules the document fails. */
function failures(xml: string): string[] {
  return [...new Set(applyRuleset(xml).filter((o) => o.result === false).map((o) => o.id))].sort();
}

describeWithIatiSchema()('the IATI Standard Ruleset evaluator (test support), on documents built to break one rule each', () => {
  it('knows every rule kind standard.json uses', () => {
    const kinds = new Set<string>();
    for (const rules of Object.values(loadRuleset())) {
      for (const [kind, { cases }] of Object.entries(rules)) {
        kinds.add(kind);
        if (kind === 'loop') for (const c of cases as { do: Record<string, unknown> }[]) Object.keys(c.do).forEach((k) => kinds.add(k));
      }
    }
    expect([...kinds].filter((k) => !(RULE_KINDS as readonly string[]).includes(k))).toEqual([]);
    expect(kinds.size).toBe(15);
  });

  it('passes a document this service would write', () => {
    expect(failures(document(activity()))).toEqual([]);
    expect(codesInDocument(document(activity())).filter((u) => u.verdict !== 'in')).toEqual([]);
  });

  it.each([
    ['6.2.2 (atleast_one), 6.7.2 (one_or_all): no sector, neither on the activity nor on its transactions', activity({ sectors: [] }), ['6.2.2', '6.7.2']],
    ['2.1.2 (strict_sum): sector percentages not summing to 100', activity({ sectors: [{ vocabulary: '1', code: '14030', name: 'W', percentage: '60.00' }, { vocabulary: '1', code: '12230', name: 'H', percentage: '30.00' }] }), ['2.1.2']],
    ['2.1.4 (if_then): one sector at 50 %', activity({ sectors: [{ vocabulary: '1', code: '14030', name: 'W', percentage: '50' }] }), ['2.1.4']],
    ['11.1.3 (date_order): ended before it started', activity({ endDate: day('2024-12-01'), status: ActivityStatus.closed }), ['11.1.3']],
    ['11.2.1, 11.2.2 (date_order with NOW): a transaction in the future', activity({ transactions: [{ ...activity().transactions[0], date: new Date(Date.now() + 3 * 86_400_000) }] }), ['11.2.1', '11.2.2']],
    ['11.1.1 (date_now): updated in the future', activity({ lastUpdated: new Date(Date.now() + 86_400_000) }), ['11.1.1']],
    ['7.5.3 (time_limit): a budget over more than a year', activity({ budgets: [{ ...activity().budgets[0], periodEnd: day('2026-06-30') }] }), ['7.5.3']],
    ['1.1.21 (startswith): an identifier not under the reporter', activity({ identifier: 'XI-IATI-OTHER-1' }), ['1.1.21']],
    ['1.3.13 (regex_matches): a slash in the identifier', activity({ identifier: 'XI-IATI-AEL-1/2' }), ['1.3.13']],
    ['1.1.3 (unique): the identifier is the reporter', activity({ identifier: 'XI-IATI-AEL' }), ['1.1.21', '1.1.3']],
  ])('fails %s', (_name, broken, expected) => {
    expect(failures(document(broken))).toEqual(expected);
  });

  it('fails 1.14.8 (startswith ORG-ID-PREFIX) for a reporter outside the agency codelist, 1.3.1 (no_spaces) for an identifier with a leading space', () => {
    expect(failures(document(activity({ identifier: 'ZZ-NONE-1-1' }), { ...reporter, ref: 'ZZ-NONE-1' }))).toEqual(['1.14.8']);
    expect(failures(document(activity({ identifier: ' XI-IATI-AEL-1' })))).toEqual(['1.1.21', '1.3.1']);
  });

  it('fails 3.7.1 and 3.7.2 (if_then) without a recipient country or region, and 4.1.1 (one_or_all) without a language', () => {
    const xml = document(activity());
    expect(failures(xml.replace(/<recipient-country[^>]*\/>/, ''))).toEqual(['3.7.1', '3.7.2']);
    expect(failures(xml.replace(' xml:lang="en"', ''))).toEqual(['4.1.1']);
    expect(failures(xml.replace('<recipient-country code="UA" percentage="100"/>', '<recipient-country code="UA" percentage="100"/><recipient-country code="SY" percentage="50"/>'))).toEqual(['3.1.2']);
  });

  it('finds codes outside their codelist, per the mapping conditions', () => {
    const xml = document(activity({ sectors: [{ vocabulary: '1', code: '14099', name: 'W', percentage: '100' }], recipient: { country: 'AN' } }));
    expect(codesInDocument(xml).filter((u) => u.verdict !== 'in').map((u) => [u.codelist, u.code, u.verdict])).toEqual([
      ['Country', 'AN', 'withdrawn'],
      ['Sector', '14099', 'missing'],
    ]);
  });
});
