import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { EvidenceFiles } from '../../../evidence/dto/evidence-files.decorator';
import { ScopeInput } from '../../scope-input';
import { INSPECTION_OUTCOMES, InspectionOutcome } from '../inspections.repository';

export class ScheduleInspectionDto extends ScopeInput {
  @ApiProperty()
  @IsUUID()
  assignedMonitorId: string;

  @ApiProperty({ example: '2027-06-30T00:00:00Z', description: 'ISO 8601 instant in the future' })
  @IsISO8601({ strict: true })
  dueBy: string;

  @ApiPropertyOptional({ default: false, description: 'Unannounced (default): visible only to admins and the assigned monitor until the finding' })
  @IsOptional()
  @IsBoolean()
  announced?: boolean;

  /** What prompted the inspection; journaled with the finding (earlier, a hash could hint at the target). */
  @EvidenceFiles()
  evidenceFiles?: string[];
}

export class DrawInspectionsDto {
  @ApiProperty({ minimum: 1, maximum: 100 })
  @IsInt()
  @Min(1)
  @Max(100)
  count: number;

  @ApiProperty({ type: [String], description: 'Monitors to assign, in turn' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  assignedMonitorIds: string[];

  @ApiPropertyOptional({ description: 'ISO 8601 instant in the future; default 14 days from now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueBy?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  announced?: boolean;
}

export class InspectionFindingDto {
  @ApiProperty({ enum: INSPECTION_OUTCOMES })
  @IsIn(INSPECTION_OUTCOMES)
  outcome: InspectionOutcome;

  @ApiProperty()
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
