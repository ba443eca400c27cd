import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IsIatiOrganisationRef, IsIatiOrganisationType } from '../../common/iati/organisation-identity';
import { ORGANIZATION_TYPES, OrganizationType } from '../../common/access/principal';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Northern Water Utility' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ORGANIZATION_TYPES })
  @IsIn(ORGANIZATION_TYPES)
  type: OrganizationType;

  @ApiPropertyOptional({
    example: 'GB-CHC-202918',
    description: "The organisation's IATI identifier (registration agency prefix from the IATI codelist, hyphen, identifier); the IATI export names it with it",
  })
  @IsOptional()
  @IsIatiOrganisationRef()
  iatiRef?: string;

  @ApiPropertyOptional({ example: '21', description: 'IATI OrganisationType code (10 Government, 21 International NGO, 40 Multilateral…)' })
  @IsOptional()
  @IsIatiOrganisationType()
  iatiType?: string;
}
