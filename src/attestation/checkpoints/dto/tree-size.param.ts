import { ApiProperty } from '@nestjs/swagger';
import { QueryInteger } from '../../../common/validation/query-integer';

export class TreeSizeParam {
  @ApiProperty({ type: 'integer', minimum: 1 })
  @QueryInteger(1)
  treeSize: number;
}
