import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { ORGANIZATION_TYPES, OrganizationType } from '../principal';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Northern Water Utility' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ORGANIZATION_TYPES })
  @IsIn(ORGANIZATION_TYPES)
  type: OrganizationType;
}
