import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.js';

const base = { DATA_DIR: '/tmp/wd-config-test' };

describe('loadConfig', () => {
  it('runs the embedded mode with nothing set', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({ env: 'development', port: 3000, publicUrl: 'http://localhost:3000', redisUrl: null, database: { kind: 'pglite' } });
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.accessTokenSeconds).toBe(900);
    // The generated secret is kept, so sessions survive a restart.
    expect(loadConfig(base).jwtSecret).toBe(config.jwtSecret);
  });

  it('switches to PostgreSQL, Redis and SMTP when their URLs are set', () => {
    const config = loadConfig({
      ...base,
      DATABASE_URL: 'postgres://u@db:5432/wd',
      REDIS_URL: 'redis://cache:6379',
      SMTP_URL: 'smtp://mail:25',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/wd', poolMax: 10, statementTimeoutMs: 10_000 });
    expect(config.redisUrl).toBe('redis://cache:6379');
    expect(config.mail.smtpUrl).toBe('smtp://mail:25');
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('uses a keyless public street style for the maps unless MAP_STYLE_URL says otherwise', () => {
    expect(loadConfig(base).mapStyleUrl).toBe('https://tiles.openfreemap.org/styles/liberty');
    expect(loadConfig({ ...base, MAP_STYLE_URL: 'https://maps.example/style.json' }).mapStyleUrl).toBe('https://maps.example/style.json');
    expect(loadConfig({ ...base, MAP_STYLE_URL: 'builtin' }).mapStyleUrl).toBeNull();
    expect(() => loadConfig({ ...base, MAP_STYLE_URL: 'ftp://maps.example/style.json' })).toThrow(ConfigError);
  });

  it('bounds the job workers and the SMTP pool: the largest value is taken, one step further is refused', () => {
    expect(loadConfig(base).jobs).toMatchObject({ concurrency: 20, batchSize: 20 });
    expect(loadConfig(base).mail).toMatchObject({ maxConnections: 5, timeoutMs: 30_000 });
    const largest = { JOB_CONCURRENCY: '100', JOB_BATCH_SIZE: '100', SMTP_MAX_CONNECTIONS: '100', SMTP_TIMEOUT_MS: '600000' };
    expect(loadConfig({ ...base, ...largest }).jobs).toMatchObject({ concurrency: 100, batchSize: 100 });
    expect(loadConfig({ ...base, ...largest }).mail).toMatchObject({ maxConnections: 100, timeoutMs: 600_000 });
    const smallest = { JOB_CONCURRENCY: '1', JOB_BATCH_SIZE: '1', SMTP_MAX_CONNECTIONS: '1', SMTP_TIMEOUT_MS: '1000' };
    expect(loadConfig({ ...base, ...smallest }).jobs).toMatchObject({ concurrency: 1, batchSize: 1 });
    expect(loadConfig({ ...base, ...smallest }).mail).toMatchObject({ maxConnections: 1, timeoutMs: 1000 });
    for (const [name, value] of [
      ['JOB_CONCURRENCY', '101'],
      ['JOB_CONCURRENCY', '0'],
      ['JOB_BATCH_SIZE', '101'],
      ['JOB_BATCH_SIZE', '0'],
      ['SMTP_MAX_CONNECTIONS', '101'],
      ['SMTP_MAX_CONNECTIONS', '0'],
      ['SMTP_TIMEOUT_MS', '600001'],
      ['SMTP_TIMEOUT_MS', '999'],
    ])
      expect(() => loadConfig({ ...base, [name!]: value })).toThrow(new RegExp(`^Invalid configuration: ${name}`));
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres or postgresql URL/],
    [{ APP_ENV: 'staging' }, /APP_ENV/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32 characters/],
    [{ ACCESS_TOKEN_SECONDS: '30' }, /ACCESS_TOKEN_SECONDS/],
    [{ APP_ENV: 'production' }, /JWT_SECRET is required/],
  ])('stops with one readable line for %o', (env, message) => {
    let error: unknown;
    try {
      loadConfig({ ...base, ...env });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
