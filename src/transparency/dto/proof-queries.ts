import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { toQueryInteger } from '../../common/validation/query-integer';

/** A non-negative integer query parameter (see toQueryInteger), at least `min`. */
function Count(min: number) {
  return applyDecorators(
    Transform(toQueryInteger),
    IsInt({ message: '$property must be an integer' }),
    Min(min, { message: `$property must be at least ${min}` }),
    Max(Number.MAX_SAFE_INTEGER, { message: '$property is too large' }),
  );
}

export class InclusionProofQuery {
  @ApiProperty({ description: 'Chain position of the transaction (0-based)', minimum: 0 })
  @Count(0)
  chainIndex: number;

  @ApiProperty({ description: 'Size of the tree the proof is for, usually a checkpoint\'s treeSize', minimum: 1 })
  @Count(1)
  treeSize: number;
}

export class ConsistencyProofQuery {
  @ApiProperty({ description: 'Size of the older tree', minimum: 1 })
  @Count(1)
  from: number;

  @ApiProperty({ description: 'Size of the newer tree', minimum: 1 })
  @Count(1)
  to: number;
}

export class TreeSizeParam {
  @ApiProperty({ minimum: 1 })
  @Count(1)
  treeSize: number;
}
