import { IATI_ORGANISATION_TYPES, IATI_REGISTRATION_AGENCIES } from '../../src/common/iati/organisation-codelists';
import { isIatiOrganisationRef, isIatiOrganisationType } from '../../src/common/iati/organisation-identity';
import { GLIDE_NUMBER, RESPONSE_PLAN_CODE } from '../../src/common/iati/humanitarian-scope';
import { codelist } from '../support/iati-codelists';
import { describeWithIatiSchema } from '../support/system-tools';

const active = (name: string) => [...codelist(name)].filter(([, status]) => status === 'active').map(([code]) => code).sort();

describeWithIatiSchema()('IATI codes checked at input', () => {
  it('are the active codes of the 2.03 codelists, no more, no fewer', () => {
    expect([...IATI_REGISTRATION_AGENCIES].sort()).toEqual(active('OrganisationRegistrationAgency'));
    expect(Object.keys(IATI_ORGANISATION_TYPES).sort()).toEqual(active('OrganisationType'));
  });

  it('take organisation identifiers under a known agency, without the characters IATI refuses', () => {
    for (const ref of ['GB-CHC-202918', 'XM-DAC-41114', 'XI-IATI-EC_ECHO', 'CA_AB-ABT-1234', 'GB-COH-AB-12']) expect({ ref, ok: isIatiOrganisationRef(ref) }).toEqual({ ref, ok: true });
    for (const ref of ['ZZ-NONE-1', 'GB-CHC', 'GB-CHC-', 'gb-chc-1', 'GB-CHC-1 2', 'GB-CHC-1/2', 'GB-CHC-A&B', 'GB-CHC-1?', 'GB-CHC-1|2', 41114, `GB-CHC-${'1'.repeat(200)}`]) {
      expect({ ref, ok: isIatiOrganisationRef(ref) }).toEqual({ ref, ok: false });
    }
    expect(isIatiOrganisationType('21')).toBe(true);
    expect(isIatiOrganisationType('20')).toBe(false);
    expect(isIatiOrganisationType('constructor')).toBe(false);
  });

  it('take GLIDE numbers and response plan codes in their published shapes', () => {
    expect(['EQ-2015-000048-NPL', 'EP-2020-000012-001'].every((g) => GLIDE_NUMBER.test(g))).toBe(true);
    expect(['EQ-2015-48-NPL', 'eq-2015-000048-npl', 'EQ-2015-000048-NP', 'EQ-2015-000048-NPL '].some((g) => GLIDE_NUMBER.test(g))).toBe(false);
    expect(['FNPL15', 'HCOVD20', 'HSYR24'].every((c) => RESPONSE_PLAN_CODE.test(c))).toBe(true);
    expect(['fnpl15', '15NPL', 'F', 'FNPL 15', 'F-NPL-15'].some((c) => RESPONSE_PLAN_CODE.test(c))).toBe(false);
  });
});
