import { ApiKeyCache } from '../../src/auth/api-key-cache';
import { generateApiKey, hashApiKey } from '../../src/auth/api-key';
import { Principal } from '../../src/common/access/principal';

const principal = (n: number): Principal => ({ id: `p${n}`, name: `P ${n}`, role: 'admin', organizationId: 'o', organizationType: 'admin' });

describe('ApiKeyCache', () => {
  afterEach(() => jest.useRealTimers());

  it('returns what was stored until its row is `ttl` old', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = new ApiKeyCache(1_000);
    const ticket = cache.ticket();
    jest.setSystemTime(1_000_000 + 400); // the lookup took 400 ms
    cache.set('k', principal(1), ticket);
    expect(cache.get('k')).toEqual(principal(1));
    jest.setSystemTime(1_000_000 + 999);
    expect(cache.get('k')).toEqual(principal(1));
    // Expiry counts from the read, not from the store: 1 s after the read, however slow it was.
    jest.setSystemTime(1_000_000 + 1_000);
    expect(cache.get('k')).toBeUndefined();
    // The expired entry is gone for good, not revived when time goes back.
    jest.setSystemTime(1_000_000);
    expect(cache.get('k')).toBeUndefined();
  });

  it('forgets a key at once when it is revoked, and refuses lookups that read before the revocation', () => {
    const cache = new ApiKeyCache(60_000);
    cache.set('k', principal(1), cache.ticket());
    cache.set('other', principal(2), cache.ticket());
    const inFlight = cache.ticket(); // a lookup read the still-active row…
    cache.revoked('k'); // …then the revocation committed
    cache.set('k', principal(1), inFlight);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.get('other')).toEqual(principal(2));
    cache.set('k', principal(1), cache.ticket()); // a lookup after it would have read the revoked row; a fresh ticket stores
    expect(cache.get('k')).toEqual(principal(1));
  });

  it('caches nothing when the TTL is zero', () => {
    const cache = new ApiKeyCache(0);
    cache.set('k', principal(1), cache.ticket());
    expect(cache.get('k')).toBeUndefined();
  });

  it('stays bounded: when full it starts over instead of growing', () => {
    const cache = new ApiKeyCache(60_000);
    for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, principal(i), cache.ticket());
    expect(cache.get('k9999')).toEqual(principal(9999));
    cache.set('one more', principal(-1), cache.ticket());
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('one more')).toEqual(principal(-1));
  });

  it('is keyed by the key hash: API keys are random and hash to 32 bytes', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a).toMatch(/^ael_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashApiKey(a)).toHaveLength(32);
    expect(hashApiKey(a).equals(hashApiKey(a))).toBe(true);
  });
});
