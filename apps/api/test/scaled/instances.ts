import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { START_WINDOW_MAX_MINUTES } from '@walkydoggy/shared';
import { businesses } from '@walkydoggy/shared/db';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import pg from 'pg';
import { inject } from 'vitest';
import { postgresDatabase, type Database } from '../../src/platform/db.js';
import { repoRoot } from '../../src/platform/paths.js';
import { withDatabase } from '../support/global-setup.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { EVERY_DAY, allWeek, marketplace, setAvailability, type Marketplace } from '../support/marketplace.js';

/**
 * The scaled-mode harness: real API processes (`node --import tsx apps/api/src/server.ts`) on their
 * own ports, sharing one PostgreSQL database (a copy of the test template) and one Redis, as a
 * deployment behind a load balancer runs them; plain HTTP requests to them from chosen loopback
 * addresses. Used by the tests in this folder.
 */

/** The seeding app signs tokens with the test configuration's secret; the processes check them with it. */
export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export type Instance = { proc: ChildProcess; base: string; port: number; log: string[] };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts an API process and waits until it answers /healthz. `env` adds to or overrides the defaults. */
export async function startInstance(opts: { dbUrl: string; redisUrl: string; jobWorkers: boolean; env?: Record<string, string> }): Promise<Instance> {
  const port = await freePort();
  const log: string[] = [];
  const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/server.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      APP_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: opts.dbUrl,
      REDIS_URL: opts.redisUrl,
      JWT_SECRET,
      SEED_DEMO: 'false',
      AUTH_RATE_LIMIT_MAX: '1000',
      JOB_WORKERS: String(opts.jobWorkers),
      LOG_LEVEL: 'warn',
      DATA_DIR: path.join(os.tmpdir(), `wd-scaled-${port}`),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => log.push(String(d)));
  proc.stderr!.on('data', (d) => log.push(String(d)));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`API process exited with ${proc.exitCode}:\n${log.join('')}`);
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { proc, base, port, log };
    if (i > 600) throw new Error(`API process did not answer /healthz within 60 s:\n${log.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function stopInstance(instance: Instance | undefined) {
  if (!instance || instance.proc.exitCode !== null || instance.proc.signalCode !== null) return;
  const exited = new Promise((r) => instance.proc.once('exit', r));
  instance.proc.kill('SIGTERM');
  await exited;
}

/** A loopback address of its own (127.x.y.z): each is its own client for the rate limits shared in Redis. */
export const loopback = () => `127.${crypto.randomInt(1, 250)}.${crypto.randomInt(1, 250)}.${crypto.randomInt(2, 250)}`;

/**
 * The address a test file's requests come from unless told otherwise: the shared limit counts per
 * address in Redis, and other test files (in-process apps whose injected requests come from
 * 127.0.0.1) share that Redis.
 */
const FILE_ADDRESS = loopback();

export type Answer = { status: number; body: { success?: boolean; data?: Record<string, unknown>; error?: { code: string }; [key: string]: unknown } };

/** A JSON request to an instance, from `localAddress`; rejects when nothing answers within `timeoutMs`. */
export function request(
  instance: Instance,
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; localAddress?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: instance.port,
        method,
        path: url,
        localAddress: opts.localAddress ?? FILE_ADDRESS,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : {} });
          } catch {
            resolve({ status: res.statusCode!, body: { raw: text } });
          }
        });
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`${method} ${url}: no answer within ${opts.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The data of a successful request; anything else throws with the answer. */
export async function ok(instance: Instance, method: string, url: string, opts: { token?: string; body?: unknown } = {}) {
  const res = await request(instance, method, url, opts);
  if (res.status >= 300) throw new Error(`${method} ${url} on ${instance.base}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data!;
}

/**
 * A database of its own for the processes (a copy of the migrated template), with a marketplace made
 * in-process through the API as every other test makes its people: business open all week, its worker
 * available all day.
 */
export async function scaledWorld() {
  const provided = inject('database');
  if (provided.kind !== 'postgres') throw new Error('the scaled tests need TEST_DATABASE_URL');
  const dbName = `wd_test_scaled_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: provided.adminUrl });
  await admin.connect();
  await admin.query(`create database "${dbName}" template "${provided.template}"`);
  const dbUrl = withDatabase(provided.adminUrl, dbName);
  const database: Database = postgresDatabase(dbUrl, 3);
  const seeder: TestApp = await createTestApp({ sameDatabaseAs: { database } });
  const m: Marketplace = await marketplace(seeder, { business: { operatingHours: allWeek('00:00', '23:59') } });
  // Workers may start a booking only from the start window before it (default 2 h); the walks here start now.
  await seeder.db.update(businesses).set({ startWindowMinutes: START_WINDOW_MAX_MINUTES }).where(eq(businesses.id, m.businessId));
  await setAvailability(
    seeder,
    m.worker.workerId,
    EVERY_DAY.map((day) => ({ day, start: '00:00', end: '23:59' })),
  );
  return {
    dbUrl,
    database,
    seeder,
    m,
    async drop() {
      await seeder.close();
      await database.close();
      await admin.query(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
    },
  };
}

/**
 * The pet owner asks for a walk a few hours from now (Berlin), so that the worker may start it now: the
 * world's business lets its workers start within a day (`startWindowMinutes`, set in `scaledWorld`); its id.
 */
export async function requestBooking(instance: Instance, m: Marketplace): Promise<string> {
  let startsAt = DateTime.now().setZone('Europe/Berlin').plus({ hours: 3 }).startOf('hour');
  // The worker is available 00:00–23:59: a walk that would run past midnight moves to 01:00.
  if (startsAt.hour >= 22) startsAt = startsAt.plus({ days: 1 }).set({ hour: 1 });
  const booking = await ok(instance, 'POST', '/v1/bookings', {
    token: m.petOwner.accessToken,
    body: {
      serviceId: m.serviceId,
      petIds: [m.petId],
      startsAt: startsAt.toUTC().toISO({ suppressMilliseconds: true }),
      location: { kind: 'owner_home', lat: 52.531, lng: 13.381, address: { street: 'Chausseestraße 10', city: 'Berlin', postalCode: '10115' } },
    },
  });
  return booking.id as string;
}

/** Paid, confirmed by the business and started by the worker (steps spread over both instances), the worker online. */
export async function walkInProgress(a: Instance, b: Instance, m: Marketplace, bookingId: string) {
  const intent = await ok(a, 'POST', '/v1/payments/intent', { token: m.petOwner.accessToken, body: { bookingId } });
  await ok(b, 'POST', '/v1/payments/confirm', { token: m.petOwner.accessToken, body: { paymentId: (intent.payment as { id: string }).id } });
  await ok(b, 'POST', `/v1/bookings/${bookingId}/confirm`, { token: m.owner.accessToken });
  await ok(a, 'POST', `/v1/bookings/${bookingId}/start`, { token: m.worker.accessToken });
  await ok(a, 'POST', `/v1/workers/${m.worker.workerId}/online`, { token: m.worker.accessToken, body: {} });
}
