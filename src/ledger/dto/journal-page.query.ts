import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { QueryInteger } from '../../common/validation/query-integer';
import type { ExportFormat } from '../journal-export';

export class JournalPageQuery {
  @ApiPropertyOptional({ type: 'integer', description: 'Return transactions with seq greater than this (default 0)' })
  @IsOptional()
  @QueryInteger(0)
  afterSeq?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'Instead of afterSeq: return sealed transactions from this chain index on, in chain order, and ' +
      'nextFromChainIndex to ask for next; a gapless cursor for readers following the ledger live',
  })
  @IsOptional()
  @QueryInteger(0)
  fromChainIndex?: number;

  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @QueryInteger(1, 1000)
  limit = 100;
}

export class ExportQuery {
  @ApiPropertyOptional({ enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format: ExportFormat = 'ndjson';
}
