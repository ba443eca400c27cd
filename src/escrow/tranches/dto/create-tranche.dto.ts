import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsAmount } from '../../../common/money/is-amount.decorator';
import { TRANCHE_CATEGORIES, TrancheCategory } from '../tranche.types';

export class CreateTrancheDto {
  @ApiProperty({ enum: TRANCHE_CATEGORIES })
  @IsIn(TRANCHE_CATEGORIES)
  category: TrancheCategory;

  @ApiProperty({ minimum: 1, example: 1, description: 'Phase N+1 is released only after every phase ≤ N tranche' })
  @IsInt()
  @Min(1)
  @Max(2147483647)
  phase: number;

  @IsAmount()
  amount: string;

  @ApiProperty({ format: 'uuid', description: 'An organization of type recipient' })
  @IsUUID()
  recipientOrganizationId: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string;
}
