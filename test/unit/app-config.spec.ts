import { generateKeyPairSync } from 'node:crypto';
import { ed25519Cosigner } from '../../src/tlog/c2sp/cosignature';
import { ConfigValidationError, loadConfig } from '../../src/config/app-config';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './.data', DB_POOL_SIZE: 20, LOG_LEVEL: 'info' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('reads and converts values', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h:5432/db', DB_POOL_SIZE: '5', LOG_LEVEL: 'debug' });
    expect(config).toMatchObject({ PORT: 8080, DATABASE_URL: 'postgres://u@h:5432/db', DB_POOL_SIZE: 5, LOG_LEVEL: 'debug' });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_READ_URL', 'replica.example.org'],
    ['DB_POOL_SIZE', '0'],
    ['LOG_LEVEL', 'loud'],
    ['SEALER_INTERVAL_MS', '-1'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigValidationError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}=`));
  });

  it('reads DATABASE_READ_URL, unset by default, and keeps its value out of errors', () => {
    expect(loadConfig({}).DATABASE_READ_URL).toBeUndefined();
    expect(loadConfig({ DATABASE_READ_URL: 'postgres://r@replica:5432/db' }).DATABASE_READ_URL).toBe('postgres://r@replica:5432/db');
    expect(() => loadConfig({ DATABASE_READ_URL: 'mysql://user:hunter2@db/x' })).toThrow(/DATABASE_READ_URL=\[redacted\]/);
  });

  it('ignores unrelated variables and treats empty values as unset', () => {
    expect(loadConfig({ HOME: '/root', DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('names a bad secret setting without printing its value', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' })).toThrow(/DATABASE_URL=\[redacted\]/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' })).not.toThrow(/hunter2/);
  });

  it('reads TRUST_PROXY as a boolean', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
  });

  it('reads the log\'s C2SP identity and witnesses, refusing what no verifier could use', () => {
    const vkey = (name: string) => ed25519Cosigner(name, generateKeyPairSync('ed25519').privateKey).vkey;
    expect(loadConfig({})).toMatchObject({ LOG_ORIGIN: 'localhost/aid-escrow-ledger', WITNESSES: '', WITNESS_QUORUM: 0 });
    const two = `${vkey('w1.example/a=b')}=https://w1.example/,${vkey('w2.example')}=http://10.0.0.2:8443`;
    expect(loadConfig({ LOG_ORIGIN: 'ledger.example.org/aid', WITNESSES: two, WITNESS_QUORUM: '2' })).toMatchObject({ WITNESS_QUORUM: 2 });
    expect(() => loadConfig({ LOG_ORIGIN: 'has space' })).toThrow(/LOG_ORIGIN=.*key name/);
    expect(() => loadConfig({ LOG_ORIGIN: 'a+b' })).toThrow(/LOG_ORIGIN=/);
    expect(() => loadConfig({ WITNESSES: 'nonsense=http://x' })).toThrow(/WITNESSES=.*not <cosigner vkey>=<http\(s\) URL>/);
    expect(() => loadConfig({ WITNESSES: two, WITNESS_QUORUM: '3' })).toThrow(/WITNESS_QUORUM=3: .*must not exceed/);
    expect(() => loadConfig({ WITNESS_QUORUM: '1' })).toThrow(/WITNESS_QUORUM=/);
    const same = vkey('w.example');
    expect(() => loadConfig({ WITNESSES: `${same}=http://a,${vkey('w.example')}=http://b` })).toThrow(/share a key name/);
  });
});
