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

  @ApiPropertyOptional({ description: 'ISO 8601, within 5 minutes of the server clock; required once the monitor registered a signing key' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  signedAt?: string;

  @ApiPropertyOptional({ description: 'Base64 Ed25519 signature of the statement (API.md, "Signed statements"); required once the monitor registered a signing key' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  signature?: string;
}

export class LiftCaseDto {
  @ApiProperty({ example: 'Stock reconciled; the contractor replaced its site manager' })
  @IsString()
  @Length(1, 10000)
  comment: string;

  @EvidenceFiles()
  evidenceFiles?: string[];

  @ApiPropertyOptional({ description: 'ISO 8601, within 5 minutes of the server clock; required once the monitor registered a signing key' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  signedAt?: string;

  @ApiPropertyOptional({ description: 'Base64 Ed25519 signature of the statement (API.md, "Signed statements"); required once the monitor registered a signing key' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  signature?: string;
}
