import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** For actions where a recorded justification is welcome but not required (a revocation). */
export class OptionalReasonDto {
  @ApiPropertyOptional({ example: 'Left the organization' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}
