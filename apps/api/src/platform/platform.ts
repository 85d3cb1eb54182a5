import type { FastifyInstance } from 'fastify';
import type { Transporter } from 'nodemailer';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db.js';
import { createQueue, type Queue } from './queue.js';
import { createMailer } from './mail.js';
import { systemClock, type Clock } from './clock.js';
import { createSettings } from './settings.js';
import { createPasswordHasher } from './passwords.js';
import { createSecretBox } from './tokens.js';
import { createAuthGuard } from './auth-guard.js';
import { createRedis, createRedisLink } from './redis.js';
import { createLiveIndex } from './live-index.js';
import { createRealtime } from './realtime.js';
import { createSms } from './sms.js';
import { createPush } from './push.js';
import { createNotifier } from './notifier.js';
import { createStorage } from './storage.js';
import { createPaymentProvider } from './payments/index.js';
import { createGeocoder } from './geocoder/index.js';

export type AppDeps = {
  /** An open database to use instead of opening one from the configuration (tests). */
  database?: Database;
  /** Replaces the mail transport (tests capture mail this way). */
  mailTransport?: Transporter;
  clock?: Clock;
  /** A Redis client to use instead of one for REDIS_URL (null: none); the app does not close it. */
  redis?: Redis | null;
};

/** Everything a module may depend on; each module picks what it needs. */
export type Platform = Awaited<ReturnType<typeof createPlatform>>;

export async function createPlatform(app: FastifyInstance, config: Config, deps: AppDeps) {
  const database = deps.database ?? (await openDatabase(config));
  const ownsDatabase = !deps.database;
  // The embedded database migrates itself; production runs `npm run db:migrate` once per release.
  if (database.kind === 'pglite' && ownsDatabase) await database.migrate();
  const clock = deps.clock ?? systemClock;
  const client = deps.redis !== undefined ? deps.redis : createRedis(config.redisUrl);
  // Every use of Redis goes through the link: fail fast, no unhandled rejections, one health state.
  const redis = client && createRedisLink(client, { log: app.log, owned: deps.redis === undefined });
  const queue: Queue = createQueue(database, app.log, {
    expireSeconds: config.jobs.expireSeconds,
    concurrency: config.jobs.concurrency,
    batchSize: config.jobs.batchSize,
  });
  const mailer = createMailer(config, app.log, deps.mailTransport);
  const settings = createSettings(database.db, clock);
  const guard = createAuthGuard(app, { db: database.db, settings, accessTokenSeconds: config.accessTokenSeconds });
  const realtime = createRealtime(app, { config, db: database.db, redis });
  return {
    realtime,
    liveIndex: createLiveIndex({ db: database.db, redis, log: app.log }),
    sms: createSms(config, app.log),
    push: createPush(config, app.log),
    notifier: createNotifier({ queue, clock, config }),
    config,
    database,
    ownsDatabase,
    db: database.db,
    clock,
    redis,
    queue,
    mailer,
    settings,
    guard,
    passwords: createPasswordHasher(config.passwordHashing),
    storage: createStorage(config),
    secretBox: createSecretBox(config.jwtSecret),
    payments: createPaymentProvider(config),
    geocoder: createGeocoder(config.geocoder, { database }),
  };
}
