import { ApiProperty } from '@nestjs/swagger';
import { QueryInteger } from '../../../common/validation/query-integer';

export class InclusionProofQuery {
  @ApiProperty({ type: 'integer', description: 'Chain position of the transaction (0-based)', minimum: 0 })
  @QueryInteger(0)
  chainIndex: number;

  @ApiProperty({ type: 'integer', description: 'Size of the tree the proof is for, usually a checkpoint\'s treeSize', minimum: 1 })
  @QueryInteger(1)
  treeSize: number;
}

export class ConsistencyProofQuery {
  @ApiProperty({ type: 'integer', description: 'Size of the older tree', minimum: 1 })
  @QueryInteger(1)
  from: number;

  @ApiProperty({ type: 'integer', description: 'Size of the newer tree', minimum: 1 })
  @QueryInteger(1)
  to: number;
}

export class ReceiptQuery {
  @ApiProperty({ type: 'integer', description: 'Chain position of the transaction (0-based)', minimum: 0 })
  @QueryInteger(0)
  chainIndex: number;
}
