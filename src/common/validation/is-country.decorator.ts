import { ValidateBy } from 'class-validator';
import { isValid } from 'i18n-iso-countries';

/** An ISO 3166-1 alpha-2 code that exists (from a maintained list: ZZ and QQ are refused). */
export function IsCountryCode(): PropertyDecorator {
  return ValidateBy({
    name: 'isCountryCode',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && /^[A-Z]{2}$/.test(value) && isValid(value),
      defaultMessage: () => '$property must be an ISO 3166-1 alpha-2 country code that exists, such as UA',
    },
  });
}
