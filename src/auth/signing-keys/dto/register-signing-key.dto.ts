import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class RegisterSigningKeyDto {
  @ApiProperty({ description: 'Base64 of the raw 32-byte Ed25519 public key', example: 'MCowBQYDK2VwAyEA…' })
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'publicKey must be base64 of the raw 32-byte Ed25519 public key (44 characters ending in =)' })
  publicKey: string;
}
