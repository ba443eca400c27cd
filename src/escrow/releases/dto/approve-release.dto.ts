import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** An approval states nothing but itself; once the admin registered a signing key, it is signed. */
export class ApproveReleaseDto {
  @ApiPropertyOptional({ description: 'ISO 8601, within 5 minutes of the server clock; required once the admin registered a signing key' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  signedAt?: string;

  @ApiPropertyOptional({ description: 'Base64 Ed25519 signature of the statement (API.md, "Signed statements"); action release.approve, targetId the request id' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  signature?: string;
}
