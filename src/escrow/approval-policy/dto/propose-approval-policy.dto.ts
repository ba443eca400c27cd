import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { AMOUNT_PATTERN } from '../../../common/money/money';
import { MAX_APPROVALS, MAX_TIERS } from '../approval-tiers';

export class ApprovalTierDto {
  @ApiProperty({ example: '250000.00', description: 'Decimal string; the first tier is "0", then strictly ascending' })
  @IsString({ message: '$property must be a decimal string such as "250000.00", not a JSON number' })
  @Matches(AMOUNT_PATTERN, { message: '$property must be a plain decimal string such as "250000.00"' })
  minAmount: string;

  @ApiProperty({ minimum: 1, maximum: MAX_APPROVALS, description: 'Admins other than the requester; never fewer than the tier before' })
  @IsInt()
  @Min(1)
  @Max(MAX_APPROVALS)
  approvals: number;

  @ApiPropertyOptional({ default: false, description: 'The approvals must come from admins of distinct organizations' })
  @IsOptional()
  @IsBoolean()
  distinctOrganizations?: boolean;
}

export class ProposeApprovalPolicyDto {
  @ApiProperty({ type: [ApprovalTierDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TIERS)
  @ValidateNested({ each: true })
  @Type(() => ApprovalTierDto)
  tiers: ApprovalTierDto[];
}
