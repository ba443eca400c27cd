import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { AMOUNT_PATTERN } from '../../../common/money/money';

export class CreateReleaseRequestDto {
  @ApiPropertyOptional({
    type: String,
    example: '250000.00',
    description: 'The instalment; default: what may be released now (the remaining amount less the retained share while final_audit is unmet)',
  })
  @IsOptional()
  @IsString({ message: '$property must be a decimal string such as "1250.50", not a JSON number' })
  @Matches(AMOUNT_PATTERN, { message: '$property must be a plain decimal string such as "1250.50" (no sign, exponent or spaces; at most 15 integer digits)' })
  amount?: string;
}
