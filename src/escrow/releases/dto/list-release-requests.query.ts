import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { QueryInteger } from '../../../common/validation/query-integer';
import { RELEASE_STATUSES, ReleaseStatus } from '../releases.repository';

export const MAX_RELEASE_PAGE = 200;

export class ListReleaseRequestsQuery {
  @ApiPropertyOptional({ enum: RELEASE_STATUSES })
  @IsOptional()
  @IsIn(RELEASE_STATUSES)
  status?: ReleaseStatus;

  @ApiPropertyOptional({ enum: ['me'], description: 'Only pending requests the caller (an admin) may approve now: the approval queue' })
  @IsOptional()
  @IsIn(['me'])
  pendingFor?: 'me';

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  escrowAccountId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  trancheId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "The previous page's nextCursor" })
  @IsOptional()
  @IsUUID()
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_RELEASE_PAGE, default: 50 })
  @IsOptional()
  @QueryInteger(1, MAX_RELEASE_PAGE)
  limit?: number;
}
