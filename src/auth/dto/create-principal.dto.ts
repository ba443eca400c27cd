import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length } from 'class-validator';
import { Role, ROLES } from '../principal';

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
}
