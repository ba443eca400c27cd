import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { BenchmarksModule } from './benchmarks/benchmarks.module';
import { CommonModule } from './common/common.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { TransactionInterceptor } from './common/transaction/transaction.interceptor';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EscrowModule } from './escrow/escrow.module';
import { HealthModule } from './health/health.module';
import { LedgerModule } from './ledger/ledger.module';
import { LoggingModule } from './logging/logging.module';
import { ReleasesModule } from './releases/releases.module';
import { ThrottlingModule } from './throttling/throttling.module';
import { TranchesModule } from './tranches/tranches.module';
import { TransparencyModule } from './transparency/transparency.module';

@Module({
  imports: [
    LoggingModule,
    DatabaseModule,
    CommonModule,
    ThrottlingModule, // before AuthModule: its guard runs first, so a refused request costs no query
    AuthModule,
    LedgerModule,
    EscrowModule,
    TranchesModule,
    BenchmarksModule,
    ReleasesModule,
    TransparencyModule,
    HealthModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_INTERCEPTOR, useClass: TransactionInterceptor },
  ],
})
export class AppModule {
  static withConfig(config: AppConfig): DynamicModule {
    return { module: AppModule, imports: [ConfigModule.forRoot(config)] };
  }
}
