import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Suites that need a Redis server run only where one is given (CI sets TEST_REDIS_URL).
    // Suites that need PostgreSQL itself (explain plans) run only with TEST_DATABASE_URL.
    exclude: [...(process.env.TEST_REDIS_URL ? [] : ['test/**/*.redis.test.ts']), ...(process.env.TEST_DATABASE_URL ? [] : ['test/**/*.postgres.test.ts'])],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // One database per worker, reused by the files that worker runs (each file starts from empty tables).
    isolate: false,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
