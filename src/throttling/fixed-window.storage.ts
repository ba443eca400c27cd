import { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  hits: number;
  endsAt: number;
}

/** Above this many clients, windows that ended are swept out on the next request. */
const SWEEP_ABOVE = 10_000;

/**
 * Counters in fixed one-minute windows: O(1) per request and one small record per client.
 * (The throttler's default storage keeps a timestamp per request and filters them all on every
 * request: at a thousand requests per second from one client that is 60,000 timestamps copied
 * per request, and its Math.min(...hits) overflows the stack beyond about 100,000.) A fixed
 * window lets a client through up to twice the limit across a window boundary: fine for abuse
 * protection, which is what this is.
 */
export class FixedWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, _throttler: string): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      if (!window && this.windows.size >= SWEEP_ABOVE) this.sweep(now);
      window = { hits: 0, endsAt: now + ttl };
      this.windows.set(key, window);
    }
    window.hits++;
    const secondsLeft = Math.max(1, Math.ceil((window.endsAt - now) / 1000));
    const isBlocked = window.hits > limit;
    return { totalHits: window.hits, timeToExpire: secondsLeft, isBlocked, timeToBlockExpire: isBlocked ? secondsLeft : 0 };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
