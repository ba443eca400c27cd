import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { QueryInteger } from '../../common/validation/query-integer';

export class DeliveriesQuery {
  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @QueryInteger(1, 500)
  limit = 100;

  @ApiPropertyOptional({ description: 'Attempts older than this id (the last page\'s nextBeforeId)' })
  @IsOptional()
  @QueryInteger(1)
  beforeId?: number;
}
