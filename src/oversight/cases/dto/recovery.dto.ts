import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { IsAmount } from '../../../common/money/is-amount.decorator';

export class RecoveryDto {
  @ApiProperty()
  @IsUUID()
  trancheId: string;

  @IsAmount()
  amount: string;
}

export class RepaymentDto extends RecoveryDto {
  @ApiPropertyOptional({ example: 'SWIFT MT103 ref 2028-0042' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reference?: string;
}
