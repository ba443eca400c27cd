import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CURRENCY_CODES } from '../../../common/money/currencies';
import { IsCountryCode } from '../../../common/validation/is-country.decorator';

export class CreateEscrowAccountDto {
  @ApiProperty({ example: 'Northern Province water and clinics 2027' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'USD', description: 'ISO 4217 code; the account holds this currency only' })
  @IsIn(CURRENCY_CODES, { message: 'currency must be a supported ISO 4217 code such as USD, EUR, JOD' })
  currency: string;

  @ApiPropertyOptional({ example: 'UA', description: 'ISO 3166-1 alpha-2 country code' })
  @IsOptional()
  @IsCountryCode()
  country?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string;
}
