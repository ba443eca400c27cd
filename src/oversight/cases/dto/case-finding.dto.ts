import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { EvidenceFiles } from '../../../evidence/dto/evidence-files.decorator';

export class CaseFindingDto {
  @ApiProperty({ enum: ['verify', 'dismiss'], description: "Replaces this monitor's earlier finding on the case" })
  @IsIn(['verify', 'dismiss'])
  decision: 'verify' | 'dismiss';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 10000)
  comment?: string;

  @EvidenceFiles()
  evidenceFiles?: string[];
}

export class LiftCaseDto {
  @ApiProperty({ example: 'Stock reconciled; the contractor replaced its site manager' })
  @IsString()
  @Length(1, 10000)
  comment: string;

  @EvidenceFiles()
  evidenceFiles?: string[];
}
