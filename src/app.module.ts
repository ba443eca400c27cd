import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AttestationModule } from './attestation/attestation.module';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { DatabaseModule } from './database/database.module';
import { EscrowModule } from './escrow/escrow.module';
import { HealthModule } from './health/health.module';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { CommandInterceptor } from './http/command.interceptor';
import { DeclaredQueryGuard } from './http/declared-query.guard';
import { CommandsModule } from './commands/commands.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LedgerModule } from './ledger/ledger.module';
import { LoggingModule } from './logging/logging.module';
import { ReportingModule } from './reporting/reporting.module';
import { ThrottlingModule } from './throttling/throttling.module';

@Module({
  imports: [
    LoggingModule,
    DatabaseModule,
    // Before anything that imports AuthModule: global guards run in the order their modules
    // load, and the rate limit must come first, so a refused request costs no query.
    ThrottlingModule,
    AuthModule,
    IdempotencyModule,
    CommandsModule,
    LedgerModule,
    EscrowModule,
    AttestationModule,
    ReportingModule,
    HealthModule,
    // The top of the import graph: people's pages over the same services (nothing imports it).
    ConsoleModule,
  ],
  providers: [
    // After the modules' guards (rate limit, then authentication): an unknown query parameter
    // is answered 400 to someone who may call the route at all.
    { provide: APP_GUARD, useClass: DeclaredQueryGuard },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_INTERCEPTOR, useClass: CommandInterceptor },
  ],
})
export class AppModule {
  static withConfig(config: AppConfig): DynamicModule {
    return { module: AppModule, imports: [ConfigModule.forRoot(config)] };
  }
}
