import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { Role, ROLES } from '../../common/access/principal';

export class CreatePrincipalDto {
  @ApiProperty({ example: 'Grace (monitoring office)' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiProperty({ format: 'uuid', description: 'An organization whose type matches the role' })
  @IsUUID()
  organizationId: string;

  @ApiPropertyOptional({ example: 'grace@monitoring.example', description: 'A person who signs in to the console; one live principal per email' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @Length(3, 254)
  email?: string;
}
