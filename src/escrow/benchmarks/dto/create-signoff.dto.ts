import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { Decision } from '../benchmark-status';

export class CreateSignoffDto {
  @ApiProperty({ enum: ['approve', 'reject'], description: "Replaces this monitor's previous decision" })
  @IsIn(['approve', 'reject'])
  decision: Decision;

  @ApiPropertyOptional({ example: 'Site visit report 2027-03-14, photos archived under ref MO-221' })
  @IsOptional()
  @IsString()
  @Length(0, 4000)
  evidence?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 4000)
  comment?: string;

  @ApiPropertyOptional({ description: 'When signed (ISO 8601, within 5 minutes of the server clock): required once the monitor registered a signing key' })
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
