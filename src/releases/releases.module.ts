import { Module } from '@nestjs/common';
import { BenchmarksModule } from '../benchmarks/benchmarks.module';
import { EscrowModule } from '../escrow/escrow.module';
import { TranchesModule } from '../tranches/tranches.module';
import { ReleaseRules } from './release-rules';
import { ReleasesController } from './releases.controller';
import { ReleasesRepository } from './releases.repository';
import { ReleasesService } from './releases.service';

@Module({
  imports: [EscrowModule, TranchesModule, BenchmarksModule],
  controllers: [ReleasesController],
  providers: [ReleasesService, ReleasesRepository, ReleaseRules],
})
export class ReleasesModule {}
