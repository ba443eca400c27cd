import { nextAttemptDelay, parseRetryDelays } from '../../src/webhooks/retry-schedule';
import { checkTargetUrl, isPublicAddress, resolveTarget, TargetRefused } from '../../src/webhooks/target-guard';
import { signatureHeader, showSecret } from '../../src/webhooks/webhook-signature';
import { Webhook } from 'standardwebhooks';

describe('webhook targets (SSRF protection)', () => {
  it.each([
    '0.0.0.0', '10.1.2.3', '100.64.0.1', '127.0.0.1', '127.255.255.254', '169.254.169.254', '172.16.0.1', '172.31.255.255',
    '192.0.0.8', '192.0.2.1', '192.88.99.1', '192.168.1.1', '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.251',
    '239.255.255.250', '240.0.0.1', '255.255.255.255',
    '::', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:8.8.8.8', '::127.0.0.1', '64:ff9b::a00:1', '100::1', 'fc00::1', 'fd12:3456::1',
    'fe80::1', 'fe80::1%eth0', 'fec0::1', 'ff02::1', '2001:db8::1', '2001::1', '2002:7f00:1::1', '3fff::1',
    'not an address', '',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.215.14', '172.15.255.255', '172.32.0.1', '100.63.255.255', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e'])(
    'allows the public address %s',
    (address) => expect(isPublicAddress(address)).toBe(true),
  );

  it('takes https URLs only, without credentials or fragments, unless private targets are allowed', () => {
    const strict = { allowPrivate: false };
    expect(checkTargetUrl('https://hooks.example.org/x?y=1', strict).host).toBe('hooks.example.org');
    for (const bad of ['http://hooks.example.org/', 'ftp://hooks.example.org/', 'https://u:p@hooks.example.org/', 'https://hooks.example.org/#f', 'hooks.example.org', `https://h.example/${'a'.repeat(2048)}`]) {
      expect(() => checkTargetUrl(bad, strict)).toThrow(TargetRefused);
    }
    expect(checkTargetUrl('http://127.0.0.1:9/x', { allowPrivate: true }).port).toBe('9');
  });

  it('refuses a host when any address it resolves to is special, and IP literals like names', async () => {
    const rules = { allowPrivate: false, timeoutMs: 2000 };
    await expect(resolveTarget(new URL('https://localhost/'), rules)).rejects.toThrow(/not a public address/);
    await expect(resolveTarget(new URL('https://[::1]/'), rules)).rejects.toThrow(/::1/);
    await expect(resolveTarget(new URL('https://169.254.169.254/latest/meta-data'), rules)).rejects.toThrow(/169\.254\.169\.254/);
    await expect(resolveTarget(new URL('https://8.8.8.8/'), rules)).resolves.toEqual({ address: '8.8.8.8', family: 4 });
    await expect(resolveTarget(new URL('https://localhost/'), { ...rules, allowPrivate: true })).resolves.toMatchObject({ family: expect.any(Number) });
    await expect(resolveTarget(new URL('https://no-such-host.invalid/'), rules)).rejects.toThrow(/does not resolve/);
  });
});

describe('retry schedule', () => {
  it('waits each delay stretched by at most 20 %, then gives up', () => {
    const delays = parseRetryDelays('5000,300000,1800000');
    expect(delays).toEqual([5000, 300000, 1800000]);
    expect(nextAttemptDelay(delays, 1, undefined, () => 0)).toBe(5000);
    expect(nextAttemptDelay(delays, 1, undefined, () => 0.999999)).toBe(6000);
    expect(nextAttemptDelay(delays, 3, undefined, () => 0.5)).toBe(1980000);
    expect(nextAttemptDelay(delays, 4)).toBeNull();
    expect(nextAttemptDelay(delays, 0)).toBeNull();
  });

  it('lets Retry-After push a retry later, never earlier, and at most a day', () => {
    const delays = [1000];
    expect(nextAttemptDelay(delays, 1, '120', () => 0)).toBe(120_000);
    expect(nextAttemptDelay(delays, 1, '0', () => 0)).toBe(1000);
    expect(nextAttemptDelay(delays, 1, String(7 * 24 * 3600), () => 0)).toBe(24 * 3600 * 1000);
    expect(nextAttemptDelay(delays, 1, new Date(Date.now() + 60_000).toUTCString(), () => 0)).toBeGreaterThan(50_000);
    expect(nextAttemptDelay(delays, 1, 'soon', () => 0)).toBe(1000);
  });
});

describe('webhook signatures', () => {
  it('are what standardwebhooks verifies, with any of the keys that signed', () => {
    const [a, b] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    const body = '{"type":"deposit"}';
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'e1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader([a, b], 'e1', timestamp, body) };
    expect(new Webhook(showSecret(a)).verify(body, headers)).toEqual({ type: 'deposit' });
    expect(new Webhook(showSecret(b)).verify(body, headers)).toEqual({ type: 'deposit' });
    expect(() => new Webhook(showSecret(Buffer.alloc(32, 3))).verify(body, headers)).toThrow();
    expect(new Webhook(showSecret(a)).sign('e1', new Date(timestamp * 1000), body)).toBe(headers['webhook-signature'].split(' ')[0]);
  });
});
