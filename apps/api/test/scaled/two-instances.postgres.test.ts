import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { postgresDatabase, type Database } from '../../src/platform/db.js';
import { repoRoot } from '../../src/platform/paths.js';
import { withDatabase } from '../support/global-setup.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { allWeek, marketplace, setAvailability, type Marketplace } from '../support/marketplace.js';
import { EVERY_DAY } from '../support/marketplace.js';
import { ask, closeAll, connect, next } from './sockets.js';

/**
 * Scaled mode, end to end: two real API processes (`node --import tsx apps/api/src/server.ts`) on two
 * ports, one PostgreSQL database and one Redis, as a deployment behind a load balancer runs them. Only
 * the first runs the job workers. Runs when TEST_DATABASE_URL and TEST_REDIS_URL are both set.
 */
const redisUrl = process.env.TEST_REDIS_URL;
/** The seeding app signs tokens with the test configuration's secret; the processes check them with it. */
const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';
const RATE_LIMIT_MAX = 30;

type Instance = { proc: ChildProcess; base: string; port: number; log: string[] };
let dbName: string;
let admin: pg.Client;
let database: Database;
let seeder: TestApp;
let a: Instance;
let b: Instance;
let m: Marketplace;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startInstance(dbUrl: string, jobWorkers: boolean): Promise<Instance> {
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
      DATABASE_URL: dbUrl,
      REDIS_URL: redisUrl,
      JWT_SECRET,
      SEED_DEMO: 'false',
      RATE_LIMIT_MAX: String(RATE_LIMIT_MAX),
      AUTH_RATE_LIMIT_MAX: '1000',
      JOB_WORKERS: String(jobWorkers),
      LOG_LEVEL: 'warn',
      DATA_DIR: path.join(os.tmpdir(), `wd-scaled-${port}`),
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

async function stopInstance(instance: Instance | undefined) {
  if (!instance || instance.proc.exitCode !== null) return;
  const exited = new Promise((r) => instance.proc.once('exit', r));
  instance.proc.kill('SIGTERM');
  await exited;
}

/** A JSON request to an instance, from `localAddress` (each loopback address is its own client for the rate limit). */
/**
 * The loopback address this file's requests come from: the shared limit counts per address in Redis,
 * and other test files (in-process apps whose injected requests come from 127.0.0.1) share that Redis.
 */
const FILE_ADDRESS = `127.${crypto.randomInt(1, 250)}.${crypto.randomInt(1, 250)}.${crypto.randomInt(2, 250)}`;

function request(
  instance: Instance,
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; localAddress?: string } = {},
): Promise<{ status: number; body: { success: boolean; data?: Record<string, unknown>; error?: { code: string } } }> {
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
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function ok(instance: Instance, method: string, url: string, opts: { token?: string; body?: unknown } = {}) {
  const res = await request(instance, method, url, opts);
  if (res.status >= 300) throw new Error(`${method} ${url} on ${instance.base}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data!;
}

describe.runIf(redisUrl)('two API processes, one database, one Redis', () => {
  beforeAll(async () => {
    const provided = inject('database');
    if (provided.kind !== 'postgres') throw new Error('the scaled test needs TEST_DATABASE_URL');
    dbName = `wd_test_scaled_${crypto.randomBytes(5).toString('hex')}`;
    admin = new pg.Client({ connectionString: provided.adminUrl });
    await admin.connect();
    await admin.query(`create database "${dbName}" template "${provided.template}"`);
    const dbUrl = withDatabase(provided.adminUrl, dbName);
    database = postgresDatabase(dbUrl, 3);
    // The people and the business are made in-process through the API (as every other test makes them);
    // everything under test then goes to the two processes.
    seeder = await createTestApp({ sameDatabaseAs: { database } });
    m = await marketplace(seeder, { business: { operatingHours: allWeek('00:00', '23:59') } });
    await setAvailability(
      seeder,
      m.worker.workerId,
      EVERY_DAY.map((day) => ({ day, start: '00:00', end: '23:59' })),
    );
    [a, b] = await Promise.all([startInstance(dbUrl, true), startInstance(dbUrl, false)]);
  }, 180_000);

  afterAll(async () => {
    closeAll();
    await Promise.all([stopInstance(a), stopInstance(b)]);
    await seeder?.close();
    await database?.close();
    await admin?.query(`drop database if exists "${dbName}" with (force)`);
    await admin?.end();
  });

  it('share the rate limit: requests split across both hit 429 at the shared limit', async () => {
    // A loopback address of its own, so that no other request of this file counts.
    const localAddress = `127.0.${crypto.randomInt(1, 250)}.${crypto.randomInt(2, 250)}`;
    const statuses: { instance: 'a' | 'b'; status: number; code?: string }[] = [];
    for (let i = 0; i < RATE_LIMIT_MAX + 6; i++) {
      const instance = i % 2 ? b : a;
      const res = await request(instance, 'GET', '/v1/users/me', { localAddress });
      statuses.push({ instance: i % 2 ? 'b' : 'a', status: res.status, code: res.body.error?.code });
    }
    // Each process alone allows RATE_LIMIT_MAX a minute; together they allowed that many, not twice as many.
    expect(statuses.slice(0, RATE_LIMIT_MAX).every((s) => s.status === 401)).toBe(true);
    expect(statuses.slice(RATE_LIMIT_MAX).map((s) => s.status)).toEqual(Array(6).fill(429));
    expect(new Set(statuses.slice(RATE_LIMIT_MAX).map((s) => s.instance))).toEqual(new Set(['a', 'b']));
    expect(statuses[RATE_LIMIT_MAX]!.code).toBe('RATE_LIMITED');
  });

  let bookingId: string;

  it('a notification delivered by a job on A reaches the user connected to B', async () => {
    const ownerOnB = await connect(b.base, m.owner.accessToken);
    const notified = next(ownerOnB, 'notification:new', 30_000, (n) => n.type === 'booking.requested');
    const startsAt = DateTime.now().setZone('Europe/Berlin').plus({ days: 1 }).set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
    const booking = await ok(a, 'POST', '/v1/bookings', {
      token: m.petOwner.accessToken,
      body: {
        serviceId: m.serviceId,
        petIds: [m.petId],
        startsAt: startsAt.toUTC().toISO({ suppressMilliseconds: true }),
        location: { kind: 'owner_home', lat: 52.531, lng: 13.381, address: { street: 'Chausseestraße 10', city: 'Berlin', postalCode: '10115' } },
      },
    });
    bookingId = booking.id as string;
    const notification = await notified;
    expect(notification).toMatchObject({ type: 'booking.requested', unreadCount: expect.any(Number) });
    expect(JSON.stringify(notification)).toContain(bookingId);
  }, 60_000);

  it("a location update sent to A reaches the owner's socket on B", async () => {
    expect(bookingId, 'the booking of the previous test').toBeTruthy();
    const intent = await ok(a, 'POST', '/v1/payments/intent', { token: m.petOwner.accessToken, body: { bookingId } });
    await ok(b, 'POST', '/v1/payments/confirm', { token: m.petOwner.accessToken, body: { paymentId: (intent.payment as { id: string }).id } });
    await ok(b, 'POST', `/v1/bookings/${bookingId}/confirm`, { token: m.owner.accessToken });
    await ok(a, 'POST', `/v1/bookings/${bookingId}/start`, { token: m.worker.accessToken });
    await ok(a, 'POST', `/v1/workers/${m.worker.workerId}/online`, { token: m.worker.accessToken, body: {} });

    const ownerOnB = await connect(b.base, m.petOwner.accessToken);
    expect(await ask(ownerOnB, 'booking:join', { bookingId })).toEqual({ success: true, data: { room: `booking:${bookingId}` } });
    const workerOnA = await connect(a.base, m.worker.accessToken);
    const updated = next(ownerOnB, 'location:updated', 15_000);
    const recordedAt = new Date().toISOString();
    const ack = await ask(workerOnA, 'location:update', { lng: 13.3815, lat: 52.5312, accuracyM: 6, recordedAt, seq: 1 });
    expect(ack).toEqual({ success: true, data: { accepted: true, recorded: true } });
    expect(await updated).toMatchObject({ bookingId, workerId: m.worker.workerId, point: { lng: 13.3815, lat: 52.5312, seq: 1 } });

    // The per-worker limit is shared: of two updates sent at once to A and to B, one is accepted.
    const workerOnB = await connect(b.base, m.worker.accessToken);
    // The limit counts per second of the clock: send both early in a fresh second, so they share it.
    await new Promise((r) => setTimeout(r, 2000 - (Date.now() % 1000)));
    const point = (seq: number) => ({ lng: 13.3816, lat: 52.5313, accuracyM: 6, recordedAt: new Date(Date.now() - seq).toISOString(), seq });
    const acks = await Promise.all([ask(workerOnA, 'location:update', point(2)), ask(workerOnB, 'location:update', point(3))]);
    expect(acks.filter((r) => r.success)).toHaveLength(1);
    expect(acks.filter((r) => !r.success)).toEqual([{ success: false, error: expect.objectContaining({ code: 'RATE_LIMITED' }) }]);
  }, 60_000);
});
