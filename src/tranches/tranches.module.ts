import { forwardRef, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BenchmarksModule } from '../benchmarks/benchmarks.module';
import { EscrowModule } from '../escrow/escrow.module';
import { TranchesController } from './tranches.controller';
import { TranchesRepository } from './tranches.repository';
import { TranchesService } from './tranches.service';

@Module({
  imports: [AuthModule, EscrowModule, forwardRef(() => BenchmarksModule)],
  controllers: [TranchesController],
  providers: [TranchesService, TranchesRepository],
  exports: [TranchesRepository, TranchesService],
})
export class TranchesModule {}
