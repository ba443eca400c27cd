import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** The body of every action that needs a recorded justification (suspend, cancel, reject…). */
export class ReasonDto {
  @ApiProperty({ example: 'Verified diversion of supplies at the Northern depot' })
  @IsString()
  @Length(1, 2000)
  reason: string;
}
