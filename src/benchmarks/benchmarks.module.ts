import { forwardRef, Module } from '@nestjs/common';
import { TranchesModule } from '../tranches/tranches.module';
import { BenchmarksController } from './benchmarks.controller';
import { BenchmarksRepository } from './benchmarks.repository';
import { BenchmarksService } from './benchmarks.service';

/** Benchmarks are conditions on tranches; tranche views show their benchmarks (hence forwardRef). */
@Module({
  imports: [forwardRef(() => TranchesModule)],
  controllers: [BenchmarksController],
  providers: [BenchmarksService, BenchmarksRepository],
  exports: [BenchmarksRepository, BenchmarksService],
})
export class BenchmarksModule {}
