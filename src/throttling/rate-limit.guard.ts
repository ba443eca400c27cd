import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { createHash } from 'node:crypto';

const BEARER = /^Bearer (\S+)$/;

/**
 * Abuse protection: at most RATE_LIMIT_PER_MINUTE requests per client and minute, over all
 * routes together. A client is its API key when it sends one (hashed: no key is kept in
 * memory), else its IP address. It runs before authentication, so a refused request costs no
 * database query. (A made-up key is a client of its own; keys are 256 random bits, so guessing
 * is hopeless, and each unknown key costs one indexed lookup.)
 *
 * Counters live in this process, so N instances behind a balancer allow up to N times the limit
 * in all. That is acceptable because this is a guard against floods, not a business rule:
 * nothing about money or state depends on it, and the database stays the only place where
 * instances coordinate (a shared counter would add a write to every request).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const match = BEARER.exec(req.headers?.authorization ?? '');
    if (match) return `key:${createHash('sha256').update(match[1]).digest('base64url')}`;
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
