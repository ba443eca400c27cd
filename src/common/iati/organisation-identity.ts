import { ValidateBy } from 'class-validator';
import { IATI_ORGANISATION_TYPES, IATI_REGISTRATION_AGENCIES } from './organisation-codelists';

/**
 * An IATI organisation identifier: a registration agency's prefix, a hyphen, and the body's
 * number with that agency (GB-CHC-202918, XM-DAC-41114). The characters the IATI Standard
 * Ruleset refuses in identifiers (/ & | ?, spaces) are refused here too.
 */
export function isIatiOrganisationRef(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 200) return false;
  const match = /^([A-Z]{2}(?:_[A-Z]{2})?-[A-Z0-9_]+)-([^\s/&|?]+)$/.exec(value);
  return match !== null && IATI_REGISTRATION_AGENCIES.has(match[1]);
}

export function isIatiOrganisationType(value: unknown): value is string {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(IATI_ORGANISATION_TYPES, value);
}

export function IsIatiOrganisationRef(): PropertyDecorator {
  return ValidateBy({
    name: 'isIatiOrganisationRef',
    validator: {
      validate: isIatiOrganisationRef,
      defaultMessage: () =>
        '$property must be an IATI organisation identifier: a registration agency prefix from the IATI codelist, a hyphen and the identifier (e.g. GB-CHC-202918), without spaces, /, &, | or ?',
    },
  });
}

export function IsIatiOrganisationType(): PropertyDecorator {
  return ValidateBy({
    name: 'isIatiOrganisationType',
    validator: {
      validate: isIatiOrganisationType,
      defaultMessage: () => `$property must be an IATI OrganisationType code (${Object.keys(IATI_ORGANISATION_TYPES).join(', ')})`,
    },
  });
}
