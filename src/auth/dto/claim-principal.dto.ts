import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ClaimPrincipalDto {
  @ApiProperty({ description: 'The token shown once when the principal was requested' })
  @IsString()
  @Length(1, 200)
  claimToken: string;
}
