import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { EvidenceFiles } from '../../../evidence/dto/evidence-files.decorator';
import { ScopeInput } from '../../scope-input';

export class OpenCaseDto extends ScopeInput {
  @ApiProperty({ example: 'Cement paid for under tranche 7 resold at the Northern depot' })
  @IsString()
  @Length(1, 10000)
  allegation: string;

  @ApiPropertyOptional({ type: [String], description: 'Whistleblower reports this case is opened on' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  reportIds?: string[];

  @EvidenceFiles()
  evidenceFiles?: string[];
}
