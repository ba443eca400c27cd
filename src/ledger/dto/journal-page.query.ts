import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { ExportFormat } from '../journal-export';
import { toQueryInteger } from '../../common/validation/query-integer';

export class JournalPageQuery {
  @ApiPropertyOptional({ description: 'Return transactions with seq greater than this (default 0)' })
  @IsOptional()
  @Transform(toQueryInteger)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  afterSeq?: number;

  @ApiPropertyOptional({
    description:
      'Instead of afterSeq: return sealed transactions from this chain index on, in chain order, and ' +
      'nextFromChainIndex to ask for next; a gapless cursor for readers following the ledger live',
  })
  @IsOptional()
  @Transform(toQueryInteger)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  fromChainIndex?: number;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Transform(toQueryInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;
}

export class ExportQuery {
  @ApiPropertyOptional({ enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format: ExportFormat = 'ndjson';
}
