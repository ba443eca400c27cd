import { ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { AuthService } from '../auth/auth.service';

const BEARER = /^Bearer (\S+)$/;

/**
 * Abuse protection: at most RATE_LIMIT_PER_MINUTE requests per client and minute, over all
 * routes together. A client is its API key when it sends a valid one (hashed: no key is kept in
 * memory), else its IP address, so a flood of made-up keys shares its address's budget. Keys are
 * checked through AuthService, whose cache makes the guard's lookup and authentication's one.
 *
 * Counters live in this process, so N instances behind a balancer allow up to N times the limit
 * in all. That is acceptable because this is a guard against floods, not a business rule:
 * nothing about money or state depends on it, and the database stays the only place where
 * instances coordinate (a shared counter would add a write to every request).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  @Inject(AuthService) private readonly auth: AuthService;

  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const match = BEARER.exec(req.headers?.authorization ?? '');
    if (match && (await this.auth.authenticate(match[1]))) return `key:${createHash('sha256').update(match[1]).digest('base64url')}`;
    return `ip:${req.ip}`;
  }

  /** One budget per client across every route (the default is one per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `rate limit exceeded: at most ${detail.limit} requests per minute per API key (or IP address without one); retry after ${detail.timeToBlockExpire} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
