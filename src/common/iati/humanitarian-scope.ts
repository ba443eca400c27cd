import { Matches } from 'class-validator';

/**
 * GLIDE numbers (glidenumber.net) name an emergency: hazard code, year, sequence, and the
 * ISO 3166-1 alpha-3 country (or three digits for a multi-country event), e.g.
 * EQ-2015-000048-NPL, EP-2020-000012-001.
 */
export const GLIDE_NUMBER = /^[A-Z]{2}-\d{4}-\d{6}-([A-Z]{3}|\d{3})$/;

/**
 * Humanitarian response plan codes as OCHA's HPC and FTS give them (IATI HumanitarianScope
 * vocabulary 2-1): letters and digits, e.g. FNPL15 (Nepal flash appeal 2015), HCOVD20.
 */
export const RESPONSE_PLAN_CODE = /^[A-Z][A-Z0-9]{2,19}$/;

export const IsGlideNumber = () => Matches(GLIDE_NUMBER, { message: '$property must be a GLIDE number such as EQ-2015-000048-NPL' });

export const IsResponsePlanCode = () =>
  Matches(RESPONSE_PLAN_CODE, { message: '$property must be an OCHA humanitarian response plan code such as FNPL15 (3 to 20 capital letters and digits)' });
