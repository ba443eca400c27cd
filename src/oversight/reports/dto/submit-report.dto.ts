import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';

/** What a whistleblower sends (no key). Everything in it is encrypted at rest, the ids included. */
export class SubmitReportDto {
  @ApiProperty({ example: 'Cement paid for under tranche 7 was resold at the Northern depot' })
  @IsString()
  @Length(1, 1000)
  summary: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 20000)
  details?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  escrowAccountId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  trancheId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  recipientOrganizationId?: string;
}
