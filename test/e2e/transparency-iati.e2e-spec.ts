import { Decimal } from '../../src/common/money/money';
import { TestApp } from '../support/test-app';
import { validateIati, xpath } from '../support/iati';
import { randomSeed, seedStory, startTransparencyApp, Story } from '../support/transparency';
import { describeWithIatiSchema } from '../support/system-tools';

/** Sums the decimal contents of <value> elements exactly (xmllint's sum() prints 1.55e+06). */
function total(values: string): string {
  const amounts = [...values.matchAll(/<value[^>]*>([^<]+)<\/value>/g)].map((m) => new Decimal(m[1]));
  const places = Math.max(0, ...[...values.matchAll(/<value[^>]*>[^<.]*(?:\.(\d+))?<\/value>/g)].map((m) => m[1]?.length ?? 0));
  return amounts.reduce((a, b) => a.plus(b), new Decimal(0)).toFixed(places);
}

describeWithIatiSchema()('IATI 2.03 export (GET /v1/public/iati.xml)', () => {
  let t: TestApp;
  let story: Story;
  let xml: string;

  const activity = (id: string) => `//iati-activity[iati-identifier='XI-IATI-AEL-${id}']`;

  beforeAll(async () => {
    t = await startTransparencyApp({ CHECKPOINT_PRIVATE_KEY: randomSeed() });
    story = await seedStory(t);
    const res = await t.http().get('/v1/public/iati.xml').expect(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    xml = res.text;
  });
  afterAll(() => t.close());

  it('validates against the official IATI 2.03 activity schema (xmllint --schema)', () => {
    const result = validateIati(xml);
    expect(result.errors).toContain('validates');
    expect(result.valid).toBe(true);
  });

  it('has one iati-activity per escrow account, with status, dates, country and participants', () => {
    expect(xpath(xml, 'count(//iati-activity)')).toBe('3');
    expect(xpath(xml, `string(${activity(story.accounts.northern)}/activity-status/@code)`)).toBe('2');
    expect(xpath(xml, `string(${activity(story.accounts.eastern)}/activity-status/@code)`)).toBe('6');
    expect(xpath(xml, `string(${activity(story.accounts.pilot)}/activity-status/@code)`)).toBe('4');
    expect(xpath(xml, `count(${activity(story.accounts.pilot)}/activity-date[@type='4'])`)).toBe('1');
    expect(xpath(xml, `string(${activity(story.accounts.northern)}/recipient-country/@code)`)).toBe('UA');
    expect(xpath(xml, `string(${activity(story.accounts.northern)}/title/narrative)`)).toBe('Northern reconstruction');
    expect(xpath(xml, `string(${activity(story.accounts.northern)}/@default-currency)`)).toBe('USD');
    // Donors are funding (1), recipients implementing (4); names are escaped.
    expect(xpath(xml, `count(${activity(story.accounts.northern)}/participating-org[@role='1'])`)).toBe('2');
    expect(xpath(xml, `count(${activity(story.accounts.northern)}/participating-org[@role='4'])`)).toBe('3');
    expect(xml).toContain('Relief &amp; Recovery &lt;Trust&gt;');
  });

  it('maps tranche categories to DAC 5-digit sectors with percentages summing to 100', () => {
    const northern = activity(story.accounts.northern);
    const codes = xpath(xml, `${northern}/sector/@code`).split(/\s+/).map((a) => a.replace(/code="(\d+)"/, '$1'));
    expect(codes.sort()).toEqual(['12230', '14030', '73010']); // the cancelled shelters tranche holds nothing
    expect(xpath(xml, `sum(${northern}/sector/@percentage)`)).toBe('100');
    expect(xpath(xml, `string(${activity(story.accounts.eastern)}/sector/@code)`)).toBe('72010');
    expect(xpath(xml, `string(${activity(story.accounts.pilot)}/sector/@code)`)).toBe('16020');
    expect(xpath(xml, `string(${northern}/sector[@code='14030']/@vocabulary)`)).toBe('1');
  });

  it('reports deposits as incoming funds, allocations as commitments, releases as disbursements', () => {
    const northern = activity(story.accounts.northern);
    const sum = (type: string, where = northern) => total(xpath(xml, `${where}/transaction[transaction-type/@code='${type}']/value`));
    const count = (type: string) => xpath(xml, `count(${northern}/transaction[transaction-type/@code='${type}'])`);
    expect(count('1')).toBe('2');
    expect(sum('1')).toBe('1550000.50');
    // Six commitments and the cancelled one decommitted: 880,000.25 − 100,000.
    expect(count('2')).toBe('7');
    expect(sum('2')).toBe('780000.25');
    expect(count('3')).toBe('1');
    expect(sum('3')).toBe('400000.00');
    expect(xpath(xml, `string(${northern}/transaction[transaction-type/@code='3']/receiver-org/narrative)`)).toContain('Northern Water Utility');
    expect(xpath(xml, `string(${northern}/transaction[transaction-type/@code='1'][1]/receiver-org/@ref)`)).toBe('XI-IATI-AEL');

    // The closed pilot refunded its donor: negative incoming funds.
    const pilot = activity(story.accounts.pilot);
    expect(sum('1', pilot)).toBe('200000');
    expect(xpath(xml, `string(${pilot}/transaction[transaction-type/@code='1'][value < 0]/value)`)).toBe('-300000');
    expect(sum('3', pilot)).toBe('200000');
  });

  it('lists the benchmarks as attached conditions: access as performance (2), anti-corruption as fiduciary (3)', () => {
    const northern = activity(story.accounts.northern);
    expect(xpath(xml, `string(${northern}/conditions/@attached)`)).toBe('1');
    // water 2 + pumps 2 + clinic 2 + roads 1
    expect(xpath(xml, `count(${northern}/conditions/condition[@type='2'])`)).toBe('3');
    expect(xpath(xml, `count(${northern}/conditions/condition[@type='3'])`)).toBe('4');
    expect(xpath(xml, `string(${northern}/conditions/condition[contains(narrative, 'clinics')][@type='3']/narrative)`)).toContain('status: blocked');
    expect(xpath(xml, `string(${activity(story.accounts.eastern)}/conditions/@attached)`)).toBe('0');
  });

  it('is cached like the dashboard: ETag, 304, and a new document after a write', async () => {
    const first = await t.http().get('/v1/public/iati.xml').expect(200);
    expect(first.headers.etag).toMatch(/^W\/"iati-/);
    await t.http().get('/v1/public/iati.xml').set('If-None-Match', first.headers.etag).expect(304);
    const donor = await t.principal('donor');
    await t.http().post(`/v1/escrow-accounts/${story.accounts.eastern}/deposits`).set(donor.auth).send({ amount: '12.00' }).expect(201);
    const next = await t.http().get('/v1/public/iati.xml').set('If-None-Match', first.headers.etag).expect(200);
    expect(xpath(next.text, `count(${activity(story.accounts.eastern)}/transaction[transaction-type/@code='1'])`)).toBe('2');
    expect(validateIati(next.text).valid).toBe(true);
  });
});
