import { TestApp, TestPrincipal } from './test-app';
import { seedStory, Story } from './transparency';

export interface IatiStory extends Story {
  more: {
    /** JOD (three decimals), with a GLIDE number and a response plan code, a tranche to a recipient known to IATI. */
    emergency: string;
    /** USD, a tranche released in part (one instalment) and then cancelled: the rest went back. */
    halted: string;
    /** GBP, no country, deposits but no tranche. */
    reserve: string;
    /** CHF, its only tranche cancelled, then closed: nothing was ever paid out. */
    abandoned: string;
    /** UAH, a response plan code only, nothing in it at all. */
    unfunded: string;
    /** KWD, a country stored before countries were checked at input (ZZ is none). */
    legacyCountry: string;
  };
}

/**
 * Everything seedStory builds (USD active, EUR suspended without a country, JPY closed with a
 * refund, released / pending / cancelled tranches) and more, through the public API: donors and
 * recipients with IATI identifiers and types, humanitarian scopes, five more currencies, an
 * account without tranches, one with nothing at all, one closed having paid nothing out
 * (cancelled, for IATI), and one whose country was stored before input checks existed.
 */
export async function seedIatiStory(t: TestApp): Promise<IatiStory> {
  const admin = await t.principal('admin', 'Escrow Office');
  const post = async (who: TestPrincipal, url: string, body: object, status = 201) =>
    (await t.http().post(url).set(who.auth).send(body).expect(status)).body;
  // Named before seedStory makes its donors: the CLI-style bootstrap joins the oldest of a name.
  await post(admin, '/v1/organizations', { name: 'Reconstruction Fund', type: 'donor', iatiRef: 'GB-GOV-1', iatiType: '10' });
  await post(admin, '/v1/organizations', { name: 'Relief & Recovery <Trust>', type: 'donor', iatiRef: 'GB-CHC-202918', iatiType: '21' });
  const story = await seedStory(t);

  const donor = await t.principal('donor', 'Reconstruction Fund');
  const otherDonor = await t.principal('donor', 'Gulf Development Fund');
  const monitors = [await t.principal('monitor'), await t.principal('monitor')];
  const water = (await post(admin, '/v1/organizations', { name: 'Amman Water Authority', type: 'recipient', iatiRef: 'JO-COA-1234', iatiType: '10' })).id;
  const account = async (body: object) => (await post(admin, '/v1/escrow-accounts', body)).id as string;

  const emergency = await account({ name: 'Southern flood response', currency: 'JOD', country: 'JO', glideNumber: 'FL-2027-000123-JOR', responsePlanCode: 'HJOR27' });
  await post(donor, `/v1/escrow-accounts/${emergency}/deposits`, { amount: '150000.125' });
  await post(otherDonor, `/v1/escrow-accounts/${emergency}/deposits`, { amount: '20000.000' });
  const pumps = (await post(donor, `/v1/escrow-accounts/${emergency}/tranches`, { category: 'utilities', phase: 1, amount: '90000.125', recipientOrganizationId: water })).id;
  for (const kind of ['humanitarian_access', 'anti_corruption']) {
    const { id } = await post(admin, `/v1/tranches/${pumps}/benchmarks`, { kind, description: `${kind} confirmed` });
    for (const m of monitors) await post(m, `/v1/benchmarks/${id}/signoffs`, { decision: 'approve', evidence: 'site visit' });
  }
  const checker = await t.principal('admin', 'Escrow Office');
  // Released in two instalments: two disbursements.
  for (const amount of ['40000.000', '50000.125']) {
    const request = (await post(admin, `/v1/tranches/${pumps}/release-requests`, { amount })).id;
    await post(checker, `/v1/release-requests/${request}/approve`, {}, 200);
  }
  await post(donor, `/v1/escrow-accounts/${emergency}/tranches`, { category: 'shelters', phase: 2, amount: '30000.000', recipientOrganizationId: water });

  // One instalment paid, then the rest cancelled: a disbursement, and a decommitment of what returned.
  const halted = await account({ name: 'Halted school repairs', currency: 'USD', country: 'LB' });
  await post(donor, `/v1/escrow-accounts/${halted}/deposits`, { amount: '9000.00' });
  const schools = (await post(donor, `/v1/escrow-accounts/${halted}/tranches`, { category: 'infrastructure', phase: 1, amount: '8000.00', recipientOrganizationId: water })).id;
  for (const kind of ['humanitarian_access', 'anti_corruption']) {
    const { id } = await post(admin, `/v1/tranches/${schools}/benchmarks`, { kind, description: `${kind} confirmed` });
    for (const m of monitors) await post(m, `/v1/benchmarks/${id}/signoffs`, { decision: 'approve', evidence: 'site visit' });
  }
  const firstInstalment = (await post(admin, `/v1/tranches/${schools}/release-requests`, { amount: '3000.00' })).id;
  await post(checker, `/v1/release-requests/${firstInstalment}/approve`, {}, 200);
  await post(donor, `/v1/tranches/${schools}/cancel`, { reason: 'the contractor walked away' }, 200);

  const reserve = await account({ name: 'Western reserve', currency: 'GBP' });
  await post(donor, `/v1/escrow-accounts/${reserve}/deposits`, { amount: '5000.00' });
  await post(otherDonor, `/v1/escrow-accounts/${reserve}/deposits`, { amount: '7500.50' });

  const abandoned = await account({ name: 'Abandoned clinic programme', currency: 'CHF', country: 'SY' });
  await post(otherDonor, `/v1/escrow-accounts/${abandoned}/deposits`, { amount: '10000.00' });
  const clinic = (await post(otherDonor, `/v1/escrow-accounts/${abandoned}/tranches`, { category: 'clinics', phase: 1, amount: '8000.00', recipientOrganizationId: water })).id;
  await post(otherDonor, `/v1/tranches/${clinic}/cancel`, { reason: 'no access to the site' }, 200);
  await post(admin, `/v1/escrow-accounts/${abandoned}/close`, { reason: 'programme abandoned' }, 200);

  const unfunded = await account({ name: 'Unfunded appeal', currency: 'UAH', country: 'UA', responsePlanCode: 'FUKR22' });

  const legacyCountry = await account({ name: 'Legacy account', currency: 'KWD', country: 'KW' });
  await post(donor, `/v1/escrow-accounts/${legacyCountry}/deposits`, { amount: '12.345' });
  // Release 0.1.0 checked only the shape of a country code: such rows exist.
  await t.dataSource.query(`UPDATE escrow_accounts SET country = 'ZZ' WHERE id = $1`, [legacyCountry]);

  return { ...story, more: { emergency, halted, reserve, abandoned, unfunded, legacyCountry } };
}
