import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { BENCHMARK_KINDS, BenchmarkKind } from '../benchmark-status';

export class CreateBenchmarkDto {
  @ApiProperty({ enum: BENCHMARK_KINDS })
  @IsIn(BENCHMARK_KINDS)
  kind: BenchmarkKind;

  @ApiProperty({ example: 'UN OCHA confirms unimpeded access to the district for 30 days' })
  @IsString()
  @Length(1, 2000)
  description: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, default: 2, description: 'Distinct monitor organizations that must approve' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  requiredApprovals?: number;
}
