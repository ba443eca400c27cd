import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { AMOUNT_PATTERN } from './money';

/**
 * A money amount as a decimal string ("1250000.50"). The currency's minor units are checked
 * where the currency is known (the escrow account), by `Money.parsePositive`.
 */
export function IsAmount(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: String, example: '1250000.50', description: 'Decimal string, never a JSON number' }),
    IsString({ message: '$property must be a decimal string such as "1250.50", not a JSON number' }),
    Matches(AMOUNT_PATTERN, {
      message: '$property must be a plain decimal string such as "1250.50" (no sign, exponent or spaces; at most 15 integer digits)',
    }),
  );
}
