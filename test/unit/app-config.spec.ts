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
    ['DB_POOL_SIZE', '0'],
    ['LOG_LEVEL', 'loud'],
    ['SEALER_INTERVAL_MS', '-1'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigValidationError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}=`));
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
});
