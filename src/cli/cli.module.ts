import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { ConsolePeopleModule } from '../console/people/people.module';
import { DatabaseModule } from '../database/database.module';
import { RunningTotalsCheckModule } from '../escrow/checks/running-totals-check.module';
import { LedgerModule } from '../ledger/ledger.module';

/** The parts of the app the command line needs: no HTTP server, no background sealer. */
@Module({})
export class CliModule {
  static withConfig(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, AuthModule, LedgerModule, RunningTotalsCheckModule, ConsolePeopleModule],
    };
  }
}
