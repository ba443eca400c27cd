import { ActivityStatus, ConditionType, IatiActivity, iatiActivitiesXml, OrganisationRole, TransactionType } from '../../src/reporting/iati/iati-xml';
import { validateIati, xpath } from '../support/iati';
import { describeWithIatiSchema } from '../support/system-tools';

const reporter = { ref: 'XI-IATI-AEL', name: 'Aid Escrow Ledger', type: '40' };
const escrow = { ref: reporter.ref, type: reporter.type, name: reporter.name };
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
      { role: OrganisationRole.funding, org: { name: 'Fund' } },
      { role: OrganisationRole.implementing, org: { name: 'Utility' } },
    ],
    recipient: { country: 'UA' },
    sectors: [
      { vocabulary: '1', code: '14030', name: 'Water', percentage: '60.00' },
      { vocabulary: '1', code: '12230', name: 'Health', percentage: '40.00' },
    ],
    humanitarianScopes: [
      { type: '1', vocabulary: '1-2', code: 'EQ-2015-000048-NPL' },
      { type: '2', vocabulary: '2-1', code: 'FNPL15' },
    ],
    defaults: { flowType: '10', financeType: '110', aidType: { code: 'B04', vocabulary: '1' }, tiedStatus: '5' },
    budgets: [{ type: '1', status: '2', periodStart: day('2025-01-01'), periodEnd: day('2025-12-31'), value: '600.00' }],
    transactions: [
      { ref: 'd1', type: TransactionType.incomingFunds, date: day('2025-01-02'), value: '1000.00', description: 'Deposit', provider: { name: 'Fund' }, receiver: escrow },
      { ref: 'a1', type: TransactionType.outgoingCommitment, date: day('2025-01-03'), value: '600.00', description: 'Allocation', provider: escrow, receiver: { name: 'Utility' } },
      { ref: 'c1', type: TransactionType.outgoingCommitment, date: day('2025-01-04'), value: '-600.00', description: 'Cancellation', provider: escrow, receiver: { name: 'Utility' } },
      { ref: 'r1', type: TransactionType.disbursement, date: day('2025-01-05'), value: '400.00', description: 'Release', provider: escrow, receiver: { name: 'Utility' } },
    ],
    conditions: [
      { type: ConditionType.performance, text: 'Humanitarian access confirmed' },
      { type: ConditionType.fiduciary, text: 'Invoices audited' },
    ],
    ...overrides,
  };
}

describeWithIatiSchema()('IATI 2.03 activity XML', () => {
  it('validates against the official schema with every element this service writes', () => {
    const xml = iatiActivitiesXml(reporter, [activity(), activity({ identifier: 'XI-IATI-AEL-2', status: ActivityStatus.closed, endDate: day('2025-06-01') })], day('2025-07-01'));
    expect(validateIati(xml)).toEqual({ valid: true, errors: expect.stringContaining('validates') });
    expect(xpath(xml, 'count(//iati-activity)')).toBe('2');
    expect(xpath(xml, 'string(/iati-activities/@version)')).toBe('2.03');
    expect(xpath(xml, "string(//humanitarian-scope[@vocabulary='1-2']/@code)")).toBe('EQ-2015-000048-NPL');
    expect(xpath(xml, 'string(//budget/value)')).toBe('600.00');
    expect(xpath(xml, 'string(//default-aid-type/@code)')).toBe('B04');
  });

  it('validates in the minimal case: no country, sectors, transactions or conditions', () => {
    const xml = iatiActivitiesXml(
      reporter,
      [
        activity({
          recipient: { region: { vocabulary: '1', code: '998', name: 'Developing countries, unspecified' } },
          sectors: [],
          humanitarianScopes: [],
          budgets: [],
          transactions: [],
          conditions: [],
          participants: [{ role: OrganisationRole.accountable, org: escrow }],
        }),
      ],
      new Date(),
    );
    expect(validateIati(xml).valid).toBe(true);
    expect(xpath(xml, 'string(//conditions/@attached)')).toBe('0');
    expect(xpath(xml, 'string(//recipient-region/@code)')).toBe('998');
    expect(xpath(xml, 'count(//recipient-country)')).toBe('0');
  });

  it('escapes names that would break the XML, and drops control characters', () => {
    const name = 'Relief & Recovery <"Trust"> \u0007';
    const xml = iatiActivitiesXml(reporter, [activity({ title: name, participants: [{ role: OrganisationRole.funding, org: { name, ref: 'A&B"1' } }] })], new Date());
    expect(validateIati(xml).valid).toBe(true);
    expect(xpath(xml, 'string(//title/narrative)')).toBe('Relief & Recovery <"Trust">');
    expect(xml).not.toContain('\u0007');
    expect(xpath(xml, 'string(//participating-org/@ref)')).toBe('A&B"1');
  });

  it('fails validation when the element order is wrong (the test can fail)', () => {
    const xml = iatiActivitiesXml(reporter, [activity()], new Date()).replace(
      /(<activity-status[^>]*\/>)\s*(<activity-date[^>]*\/>)/,
      '$2$1',
    );
    expect(validateIati(xml).valid).toBe(false);
  });
});
