import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { QueryInteger } from '../../common/validation/query-integer';

export class DeliveriesQuery {
  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @QueryInteger(1, 500)
  limit: number = 100;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Attempts older than this id (the last page\'s nextBeforeId)' })
  @IsOptional()
  @QueryInteger(1)
  beforeId?: number;
}
