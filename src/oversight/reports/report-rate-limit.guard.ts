import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHmac, randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { FixedWindowStorage } from '../../throttling/fixed-window.storage';
import { OversightRefusal } from '../oversight-errors';

const MINUTE_MS = 60_000;

/**
 * A tighter budget for the public report routes than the service-wide limit: a flood of fake
 * reports costs monitors' time. Counters live in this process's memory only, keyed by an HMAC
 * of the client's address under a key made at start-up and never stored, so not even the
 * counters hold an address, and nothing of them outlives the process.
 */
@Injectable()
export class ReportRateLimitGuard implements CanActivate {
  private readonly windows = new FixedWindowStorage();
  private readonly key = randomBytes(32);

  constructor(private readonly config: AppConfig) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limit = this.config.REPORTS_RATE_LIMIT_PER_MINUTE;
    if (limit === 0) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const client = createHmac('sha256', this.key).update(request.ip ?? '').digest('base64url');
    const { isBlocked, timeToExpire } = await this.windows.increment(client, MINUTE_MS, limit, 0, 'reports');
    if (isBlocked) {
      throw new OversightRefusal('TOO_MANY_REPORTS', `at most ${limit} report requests per minute from one client; retry in ${timeToExpire} s`);
    }
    return true;
  }
}
