import { FixedWindowStorage } from '../../src/throttling/fixed-window.storage';

describe('FixedWindowStorage (rate-limit counters)', () => {
  afterEach(() => jest.useRealTimers());

  it('counts a client\'s hits in a window and blocks past the limit until the window ends', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const storage = new FixedWindowStorage();
    for (let i = 1; i <= 3; i++) {
      expect(await storage.increment('key:a', 60_000, 3, 0, 'default')).toMatchObject({ totalHits: i, isBlocked: false, timeToBlockExpire: 0 });
    }
    jest.setSystemTime(1_000_000 + 45_500);
    expect(await storage.increment('key:a', 60_000, 3, 0, 'default')).toEqual({ totalHits: 4, timeToExpire: 15, isBlocked: true, timeToBlockExpire: 15 });
    expect(await storage.increment('key:b', 60_000, 3, 0, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
    jest.setSystemTime(1_000_000 + 60_000);
    expect(await storage.increment('key:a', 60_000, 3, 0, 'default')).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
  });

  it('stays O(1) for a busy client (the default storage keeps a timestamp per hit)', async () => {
    const storage = new FixedWindowStorage();
    let last;
    for (let i = 0; i < 300_000; i++) last = await storage.increment('key:busy', 60_000, 1_000_000, 0, 'default');
    expect(last).toMatchObject({ totalHits: 300_000, isBlocked: false });
  });

  it('sweeps the windows that ended once many clients were seen', async () => {
    jest.useFakeTimers({ now: 0 });
    const storage = new FixedWindowStorage();
    for (let i = 0; i < 10_000; i++) await storage.increment(`ip:${i}`, 1_000, 10, 0, 'default');
    jest.setSystemTime(2_000);
    await storage.increment('ip:new', 1_000, 10, 0, 'default');
    expect((storage as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });
});
