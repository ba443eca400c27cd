import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { QueryInteger } from '../../common/validation/query-integer';

export const DEFAULT_TRANCHE_PAGE = 50;
export const MAX_TRANCHE_PAGE = 200;

export class TranchePageQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page; omit for the first page' })
  @IsOptional()
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_TRANCHE_PAGE, minimum: 1, maximum: MAX_TRANCHE_PAGE })
  @IsOptional()
  @QueryInteger(1, MAX_TRANCHE_PAGE)
  limit = DEFAULT_TRANCHE_PAGE;
}
