import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsAmount } from '../../../common/money/is-amount.decorator';
import { MAX_RETENTION_PERCENT, TRANCHE_CATEGORIES, TrancheCategory } from '../tranche.types';
import { IsInstant } from './is-instant.decorator';

export class CreateTrancheDto {
  @ApiProperty({ enum: TRANCHE_CATEGORIES })
  @IsIn(TRANCHE_CATEGORIES)
  category: TrancheCategory;

  @ApiProperty({ minimum: 1, example: 1, description: 'Phase N+1 is released only after the unretained share of every phase ≤ N tranche' })
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

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_RETENTION_PERCENT, default: 0, description: 'Percent of the amount held back until a final_audit benchmark is met' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_RETENTION_PERCENT)
  retentionPercent?: number;

  @ApiPropertyOptional({ example: '2027-12-31T23:59:59Z', description: 'After this instant nothing more is released and the remainder returns to the donor' })
  @IsOptional()
  @IsInstant()
  releaseBy?: string;
}
