import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CURRENCY_CODES } from '../../../common/money/currencies';
import { IsGlideNumber, IsResponsePlanCode } from '../../../common/iati/humanitarian-scope';
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

  @ApiPropertyOptional({ example: 'EQ-2015-000048-NPL', description: 'GLIDE number of the emergency the account responds to (IATI humanitarian-scope)' })
  @IsOptional()
  @IsGlideNumber()
  glideNumber?: string;

  @ApiPropertyOptional({ example: 'FNPL15', description: "OCHA humanitarian response plan code of the appeal it funds (IATI humanitarian-scope, OCHA FTS)" })
  @IsOptional()
  @IsResponsePlanCode()
  responsePlanCode?: string;
}
