import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class ReportMessageDto {
  @ApiProperty()
  @IsString()
  @Length(1, 10000)
  @Matches(/\S/, { message: 'text must not be empty or only whitespace' })
  text: string;
}
