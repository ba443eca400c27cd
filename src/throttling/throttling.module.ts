import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthModule } from '../auth/auth.module';
import { AppConfig } from '../config/app-config';
import { FixedWindowStorage } from './fixed-window.storage';
import { RateLimitGuard } from './rate-limit.guard';

/** Per-client rate limiting (see RateLimitGuard); RATE_LIMIT_PER_MINUTE=0 turns it off. */
@Module({
  imports: [
    AuthModule,
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Named 'default' so the headers are the usual ones: X-RateLimit-Limit, Retry-After.
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.RATE_LIMIT_PER_MINUTE }],
        skipIf: () => config.RATE_LIMIT_PER_MINUTE === 0,
        storage: new FixedWindowStorage(),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class ThrottlingModule {}
