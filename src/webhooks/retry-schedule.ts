/** WEBHOOK_RETRY_DELAYS_MS as numbers: the wait after the 1st, 2nd, … failed attempt of one event. */
export function parseRetryDelays(setting: string): number[] {
  return setting.split(',').map(Number);
}

/** The most a Retry-After header may push a retry out: a day. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * When to try again after the `failures`-th failed attempt, or null once the schedule is spent.
 * The delay is stretched by up to 20 % at random, so receivers that failed together are not
 * retried together; never shortened, so a retry never comes before its documented delay. A
 * Retry-After the receiver sent (seconds, or an HTTP date) pushes it later, never earlier.
 */
export function nextAttemptDelay(delays: readonly number[], failures: number, retryAfter?: string, random: () => number = Math.random): number | null {
  if (failures < 1 || failures > delays.length) return null;
  const scheduled = delays[failures - 1] * (1 + 0.2 * random());
  return Math.round(Math.max(scheduled, retryAfterMs(retryAfter)));
}

function retryAfterMs(header: string | undefined): number {
  if (!header) return 0;
  const ms = /^\d+$/.test(header.trim()) ? Number(header.trim()) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : 0;
}
