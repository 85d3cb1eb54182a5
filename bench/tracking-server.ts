/**
 * The API as the tracking benchmark's child process: the app on WD_BENCH_DB (and Redis when
 * WD_BENCH_REDIS is set), counting the statements it sends to PostgreSQL — all of them, and the
 * inserts into `booking_track_points` — so that the parent can show how the track points are batched.
 * IPC: sends `{port}` once listening; answers `'statements'` with `{statements, trackInserts}`.
 */
import pg from 'pg';
import { benchApiConfig } from './support.js';

let statements = 0;
let trackInserts = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
  if (text && /insert\s+into\s+"?booking_track_points"?/i.test(text)) trackInserts++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;
process.on('message', (m) => {
  if (m === 'statements') process.send!({ statements, trackInserts });
});

const { buildApp } = await import('../apps/api/src/app.js');
// The benchmarks' API configuration, with Redis when asked and the API's own default pool.
const config = await benchApiConfig(process.env.WD_BENCH_DB!, {
  ...(process.env.WD_BENCH_REDIS ? { REDIS_URL: process.env.WD_BENCH_REDIS } : {}),
  DATABASE_POOL_MAX: undefined,
});
const app = await buildApp(config);
await app.listen({ port: 0, host: '127.0.0.1' });
process.send!({ port: (app.server.address() as { port: number }).port });
process.on('SIGTERM', () => {
  // A graceful close that hangs is a finding: say what is still open, the parent kills us after 15 s.
  setTimeout(() => {
    const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles().map((h) => h.constructor?.name);
    console.error(`API child: app.close() has not finished 10 s after SIGTERM; active handles: ${handles.join(', ')}`);
  }, 10_000).unref();
  void app.close().then(() => process.exit(0));
});
