import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsAmount } from '../../../common/money/is-amount.decorator';

export class CreateDepositDto {
  @IsAmount()
  amount: string;

  @ApiPropertyOptional({ example: 'SWIFT MT103 ref 2027-0001' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reference?: string;
}
