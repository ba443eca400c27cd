import { validateIati, xpath } from '../support/iati';
import { codesInDocument } from '../support/iati-codelists';
import { IatiStory, seedIatiStory } from '../support/iati-fixture';
import { applyRuleset, RuleOutcome } from '../support/iati-ruleset';
import { describeWithIatiSchema } from '../support/system-tools';
import { TestApp } from '../support/test-app';
import { randomSeed, startTransparencyApp } from '../support/transparency';

describeWithIatiSchema()('IATI export of a rich fixture: the Standard Ruleset and the 2.03 codelists', () => {
  let t: TestApp;
  let story: IatiStory;
  let xml: string;
  let outcomes: RuleOutcome[];

  const activity = (id: string) => `//iati-activity[iati-identifier='XI-IATI-AEL-${id}']`;

  beforeAll(async () => {
    t = await startTransparencyApp({ CHECKPOINT_PRIVATE_KEY: randomSeed() });
    story = await seedIatiStory(t);
    xml = (await t.http().get('/v1/public/iati.xml').expect(200)).text;
    outcomes = applyRuleset(xml);
  }, 120_000);
  afterAll(() => t.close());

  it('validates against the IATI 2.03 schema', () => {
    expect(validateIati(xml)).toEqual({ valid: true, errors: expect.stringContaining('validates') });
    expect(xpath(xml, 'count(//iati-activity)')).toBe('9');
  });

  it('passes every rule of the Standard Ruleset, errors and warnings alike', () => {
    const failed = outcomes.filter((o) => o.result === false).map((o) => `${o.id} ${o.rule} (${o.severity}) in ${o.activity}: ${o.message}`);
    expect(failed).toEqual([]);
    // The rules that matter for this file were actually applied, on every activity.
    const applied = (id: string) => outcomes.filter((o) => o.id === id && o.result === true).length;
    for (const id of ['6.2.2', '3.7.1', '3.7.2', '1.1.21', '1.14.8', '2.1.2', '11.1.3', '11.2.1', '7.5.3', '8.6.3', '6.9.1', '6.10.1']) {
      expect({ id, applied: applied(id) > 0 }).toEqual({ id, applied: true });
    }
    expect(applied('6.2.2')).toBe(9); // a sector on every activity, those without tranches too
  });

  it('uses only codes of the 2.03 codelists, none withdrawn (mapping.xml says which list)', () => {
    const uses = codesInDocument(xml);
    expect(uses.filter((u) => u.verdict !== 'in')).toEqual([]);
    const checked = new Set(uses.map((u) => u.path));
    for (const path of [
      '//iati-activity/recipient-country/@code',
      '//iati-activity/recipient-region/@code',
      '//iati-activity/sector/@code',
      '//iati-activity/humanitarian-scope/@vocabulary',
      '//iati-activity/default-flow-type/@code',
      '//iati-activity/default-finance-type/@code',
      '//iati-activity/default-aid-type/@code',
      '//iati-activity/default-tied-status/@code',
      '//iati-activity/budget/@status',
      '//iati-activity/participating-org/@type',
      '//iati-activity/transaction/provider-org/@type',
      '//iati-activity/transaction/receiver-org/@type',
      '//iati-activity/activity-status/@code',
      '//iati-activity/@default-currency',
    ]) {
      expect({ path, checked: checked.has(path) }).toEqual({ path, checked: true });
    }
    expect(new Set(uses.filter((u) => u.codelist === 'Currency').map((u) => u.code))).toEqual(new Set(['USD', 'EUR', 'JPY', 'JOD', 'GBP', 'CHF', 'UAH', 'KWD']));
  });

  it('gives an account without a country a region, and one without tranches a sector', () => {
    for (const id of [story.accounts.eastern, story.more.reserve, story.more.legacyCountry]) {
      expect(xpath(xml, `string(${activity(id)}/recipient-region/@code)`)).toBe('998');
      expect(xpath(xml, `count(${activity(id)}/recipient-country)`)).toBe('0');
    }
    expect(xml).not.toContain('code="ZZ"');
    for (const id of [story.more.reserve, story.more.unfunded]) {
      expect(xpath(xml, `string(${activity(id)}/sector/@code)`)).toBe('99810');
      expect(xpath(xml, `string(${activity(id)}/sector/@percentage)`)).toBe('100.00');
    }
  });

  it('reports the humanitarian scope: GLIDE number and response plan code', () => {
    const emergency = activity(story.more.emergency);
    expect(xpath(xml, `string(${emergency}/humanitarian-scope[@type='1'][@vocabulary='1-2']/@code)`)).toBe('FL-2027-000123-JOR');
    expect(xpath(xml, `string(${emergency}/humanitarian-scope[@type='2'][@vocabulary='2-1']/@code)`)).toBe('HJOR27');
    expect(xpath(xml, `count(${activity(story.more.unfunded)}/humanitarian-scope)`)).toBe('1');
    expect(xpath(xml, `count(${activity(story.accounts.northern)}/humanitarian-scope)`)).toBe('0');
  });

  it('reports statuses: suspended, closed after paying out, cancelled when closed having paid nothing', () => {
    expect(xpath(xml, `string(${activity(story.accounts.eastern)}/activity-status/@code)`)).toBe('6');
    expect(xpath(xml, `string(${activity(story.accounts.pilot)}/activity-status/@code)`)).toBe('4');
    expect(xpath(xml, `string(${activity(story.more.abandoned)}/activity-status/@code)`)).toBe('5');
    expect(xpath(xml, `count(${activity(story.more.abandoned)}/activity-date[@type='4'])`)).toBe('1');
  });

  it('reports each instalment as a disbursement, and a returned remainder as a negative commitment', () => {
    const emergency = activity(story.more.emergency);
    expect(xpath(xml, `count(${emergency}/transaction[transaction-type/@code='3'])`)).toBe('2');
    expect(xpath(xml, `string(${emergency}/transaction[transaction-type/@code='3'][1]/value)`)).toBe('40000.000');
    expect(xpath(xml, `string(${emergency}/transaction[transaction-type/@code='3'][2]/value)`)).toBe('50000.125');
    const halted = activity(story.more.halted);
    expect(xpath(xml, `string(${halted}/transaction[transaction-type/@code='3']/value)`)).toBe('3000.00');
    expect(xpath(xml, `string(${halted}/transaction[transaction-type/@code='2'][starts-with(value, '-')]/value)`)).toBe('-5000.00');
  });

  it('names organisations with their IATI identifier and type where they have one', () => {
    const emergency = activity(story.more.emergency);
    expect(xpath(xml, `string(${emergency}/participating-org[@role='1'][@ref='GB-GOV-1']/@type)`)).toBe('10');
    expect(xpath(xml, `string(${emergency}/participating-org[@role='4']/@ref)`)).toBe('JO-COA-1234');
    expect(xpath(xml, `string(${emergency}/transaction[transaction-type/@code='3']/receiver-org/@ref)`)).toBe('JO-COA-1234');
    expect(xpath(xml, `string(${emergency}/transaction[transaction-type/@code='1'][provider-org/@ref='GB-GOV-1']/value)`)).toBe('150000.125');
    // An organisation without an identifier is named by its narrative only.
    expect(xpath(xml, `count(${emergency}/transaction[transaction-type/@code='1'][not(provider-org/@ref)])`)).toBe('1');
    expect(xpath(xml, `string(${activity(story.accounts.northern)}/participating-org[@ref='GB-CHC-202918']/@type)`)).toBe('21');
  });

  it('declares the defaults and a committed budget per year of what the tranches still commit', () => {
    const emergency = activity(story.more.emergency);
    expect(xpath(xml, `string(${emergency}/default-flow-type/@code)`)).toBe('10');
    expect(xpath(xml, `string(${emergency}/default-finance-type/@code)`)).toBe('110');
    expect(xpath(xml, `string(${emergency}/default-aid-type/@code)`)).toBe('B04');
    expect(xpath(xml, `string(${emergency}/default-tied-status/@code)`)).toBe('5');
    expect(xpath(xml, `string(${emergency}/budget[@status='2']/value)`)).toBe('120000.125');
    // Northern: 880,000.25 earmarked, 100,000 of it cancelled.
    expect(xpath(xml, `string(${activity(story.accounts.northern)}/budget/value)`)).toBe('780000.25');
    expect(xpath(xml, `string(${activity(story.more.abandoned)}/budget/value)`)).toBe('0.00');
    expect(xpath(xml, `count(//iati-activity[not(budget)])`)).toBe('0');
  });

  it('refuses IATI identities and humanitarian codes outside the codelists, naming the field, and changes nothing', async () => {
    const before = await t.dataSource.query(`SELECT (SELECT count(*) FROM organizations) AS o, (SELECT count(*) FROM escrow_accounts) AS e`);
    const refuse = async (url: string, body: object, field: string) => {
      const res = await t.http().post(url).set(story.admin.auth).send(body).expect(400);
      expect(res.body.fields).toEqual([field]);
    };
    await refuse('/v1/organizations', { name: 'X', type: 'recipient', iatiRef: 'ZZ-NONE-1' }, 'iatiRef');
    await refuse('/v1/organizations', { name: 'X', type: 'recipient', iatiRef: 'GB-CHC-1/2' }, 'iatiRef');
    await refuse('/v1/organizations', { name: 'X', type: 'recipient', iatiType: '20' }, 'iatiType');
    await refuse('/v1/organizations', { name: 'X', type: 'recipient', iatiType: 21 }, 'iatiType');
    await refuse('/v1/escrow-accounts', { name: 'X', currency: 'USD', glideNumber: 'EQ-2015-48-NPL' }, 'glideNumber');
    await refuse('/v1/escrow-accounts', { name: 'X', currency: 'USD', responsePlanCode: 'fnpl15' }, 'responsePlanCode');
    expect(await t.dataSource.query(`SELECT (SELECT count(*) FROM organizations) AS o, (SELECT count(*) FROM escrow_accounts) AS e`)).toEqual(before);

    const org = await t.http().post('/v1/organizations').set(story.admin.auth).send({ name: 'Y', type: 'recipient', iatiRef: 'XM-DAC-41114', iatiType: '40' }).expect(201);
    expect(org.body).toMatchObject({ name: 'Y', type: 'recipient', iatiRef: 'XM-DAC-41114', iatiType: '40' });
    const emergency = await t.http().get(`/v1/escrow-accounts/${story.more.emergency}`).set(story.auditor.auth).expect(200);
    expect(emergency.body).toMatchObject({ glideNumber: 'FL-2027-000123-JOR', responsePlanCode: 'HJOR27' });
    // The journal records them with the event, for whoever reads it later.
    const [opened] = await t.dataSource.query(`SELECT body FROM journal_transactions WHERE kind = 'escrow_opened' AND escrow_account_id = $1`, [story.more.emergency]);
    expect(JSON.parse(opened.body).details).toMatchObject({ glideNumber: 'FL-2027-000123-JOR', responsePlanCode: 'HJOR27' });
  });
});
