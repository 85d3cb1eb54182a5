import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Marketplace } from '../support/marketplace.js';
import { ask, closeAll, connect, next, sleep, type ClientSocket } from './sockets.js';
import { loopback, ok, request, requestBooking, scaledWorld, startInstance, stopInstance, walkInProgress, type Answer, type Instance } from './instances.js';
import { ownRedisServer } from './redis-server.js';

/**
 * Issue 10, point 4: a Redis outage under traffic must not take any API instance down. Two real API
 * processes share one PostgreSQL database and a `redis-server` of this test's own, which is killed
 * (SIGKILL) while requests flow, left dead for ~10 s and started again on the same port. Both
 * processes stay up, nothing answers 5xx, live updates keep being accepted and reach sockets on the
 * same instance, and within 5 s of Redis answering again a location sent to one instance reaches a
 * socket on the other. Runs when TEST_DATABASE_URL and TEST_REDIS_URL are both set (as the other
 * scaled test; this one needs `redis-server` on PATH rather than the shared Redis).
 */
const runs = Boolean(process.env.TEST_REDIS_URL);
const OUTAGE_MS = 10_000;
/** The issue's bound: full function within this long after Redis is back. */
const RECOVERY_MS = 5_000;

type Phase = 'before' | 'outage' | 'after';
type Sample = { phase: Phase; instance: 'a' | 'b'; route: string; status: number; error?: string };

let world: Awaited<ReturnType<typeof ownRedisWorld>>;

async function ownRedisWorld() {
  const base = await scaledWorld();
  const redis = await ownRedisServer();
  // A high global limit: the traffic below is many requests a second from a few addresses.
  const start = (jobWorkers: boolean) => startInstance({ dbUrl: base.dbUrl, redisUrl: redis.url, jobWorkers, env: { RATE_LIMIT_MAX: '1000000' } });
  const [a, b] = await Promise.all([start(true), start(false)]);
  return { ...base, redis, a, b };
}

/** The statuses each route may answer, whatever Redis does. */
function trafficOf(m: Marketplace, bookingId: string) {
  const position = () => ({ lng: 13.402, lat: 52.531, accuracyM: 8, recordedAt: new Date().toISOString() });
  return [
    { route: 'GET /healthz', allowed: [200], go: (i: Instance, from: string) => request(i, 'GET', '/healthz', { localAddress: from }) },
    { route: 'GET /readyz', allowed: [200], go: (i: Instance, from: string) => request(i, 'GET', '/readyz', { localAddress: from }) },
    {
      route: 'GET /v1/users/me',
      allowed: [200],
      go: (i: Instance, from: string) => request(i, 'GET', '/v1/users/me', { token: m.petOwner.accessToken, localAddress: from }),
    },
    {
      route: 'GET /v1/locations/workers',
      allowed: [200],
      go: (i: Instance, from: string) =>
        request(i, 'GET', '/v1/locations/workers?lat=52.53&lng=13.38&radius=5000', { token: m.petOwner.accessToken, localAddress: from }),
    },
    {
      // A live update over HTTP (the other business's worker: the walk's worker is the sockets').
      route: 'PUT /v1/workers/:id/location',
      allowed: [200, 429],
      live: true,
      go: (i: Instance, from: string) =>
        request(i, 'PUT', `/v1/workers/${m.otherWorker.workerId}/location`, { token: m.otherWorker.accessToken, body: position(), localAddress: from }),
    },
    {
      route: 'GET /v1/bookings/:id/tracking',
      allowed: [200],
      go: (i: Instance, from: string) => request(i, 'GET', `/v1/bookings/${bookingId}/tracking`, { token: m.petOwner.accessToken, localAddress: from }),
    },
    {
      // The stricter auth-route limit.
      route: 'POST /v1/auth/forgot-password',
      allowed: [202],
      go: (i: Instance, from: string) => request(i, 'POST', '/v1/auth/forgot-password', { body: { email: 'outage@example.com' }, localAddress: from }),
    },
  ];
}

/** Sleeps into the next second of the clock: the live limit allows one update per worker and second. */
const nextSecond = () => sleep(1_050 - (Date.now() % 1_000));

async function readiness(instance: Instance): Promise<string> {
  const res: Answer = await request(instance, 'GET', '/readyz');
  return `${res.status} ${String(res.body.status)}`;
}
async function until(check: () => Promise<boolean>, what: string, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

describe.runIf(runs)('two API processes through a Redis outage', () => {
  beforeAll(async () => {
    world = await ownRedisWorld();
  }, 180_000);

  afterAll(async () => {
    closeAll();
    await Promise.all([stopInstance(world?.a), stopInstance(world?.b)]);
    await world?.redis.stop();
    await world?.drop();
  });

  it('stay up, answer no 5xx, keep local rooms working, and carry a location across instances within 5 s of Redis being back', async () => {
    const { a, b, m, redis } = world;
    const bookingId = await requestBooking(a, m);
    await walkInProgress(a, b, m, bookingId);
    await ok(a, 'POST', `/v1/workers/${m.otherWorker.workerId}/online`, { token: m.otherWorker.accessToken, body: {} });

    const join = async (socket: ClientSocket) => expect(await ask(socket, 'booking:join', { bookingId })).toMatchObject({ success: true });
    const [ownerOnA, ownerOnB, workerOnA, workerOnB] = await Promise.all([
      connect(a.base, m.petOwner.accessToken),
      connect(b.base, m.petOwner.accessToken),
      connect(a.base, m.worker.accessToken),
      connect(b.base, m.worker.accessToken),
    ]);
    await join(ownerOnA);
    await join(ownerOnB);

    let seq = 0;
    /** One update of the walk's worker through `from`, in a fresh second; `to` must see it within `ms`. */
    async function deliver(from: ClientSocket, to: ClientSocket, ms: number) {
      await nextSecond();
      const s = ++seq;
      const arrived = next(to, 'location:updated', ms, (p) => p.point.seq === s);
      const ack = await ask(from, 'location:update', { lng: 13.3815 + s * 1e-5, lat: 52.5312, accuracyM: 6, recordedAt: new Date().toISOString(), seq: s });
      expect(ack).toEqual({ success: true, data: { accepted: true, recorded: true } });
      return arrived;
    }
    await deliver(workerOnA, ownerOnB, 15_000);

    // Traffic on both instances, from four clients, for the whole test.
    let phase: Phase = 'before';
    let running = true;
    const samples: Sample[] = [];
    const traffic = trafficOf(m, bookingId);
    const loop = async (instance: Instance, name: 'a' | 'b', from: string, offset: number) => {
      for (let n = offset; running; n++) {
        const call = traffic[n % traffic.length]!;
        const at = phase;
        try {
          const res = await call.go(instance, from);
          samples.push({ phase: at, instance: name, route: call.route, status: res.status });
        } catch (err) {
          samples.push({ phase: at, instance: name, route: call.route, status: 0, error: (err as Error).message });
        }
        await sleep(20);
      }
    };
    const loops = [loop(a, 'a', loopback(), 0), loop(a, 'a', loopback(), 3), loop(b, 'b', loopback(), 1), loop(b, 'b', loopback(), 4)];
    await sleep(2_000);

    phase = 'outage';
    await redis.kill();
    const killedAt = Date.now();
    await until(async () => (await readiness(a)) === '200 degraded' && (await readiness(b)) === '200 degraded', 'both instances to report degraded', 15_000);
    // Local rooms keep working on each instance.
    await deliver(workerOnA, ownerOnA, 10_000);
    await deliver(workerOnB, ownerOnB, 10_000);
    await sleep(Math.max(0, killedAt + OUTAGE_MS - Date.now()));

    phase = 'after';
    await redis.start();
    const restartedAt = Date.now();
    // Full function within RECOVERY_MS of Redis answering: a location sent to A reaches the socket on B.
    const firstAfter = seq + 1;
    const across = next(ownerOnB, 'location:updated', RECOVERY_MS, (p) => (p.point.seq ?? 0) >= firstAfter);
    let recovered = false;
    const sending = (async () => {
      while (!recovered) {
        await nextSecond();
        if (recovered) break;
        const s = ++seq;
        await ask(workerOnA, 'location:update', { lng: 13.3815 + s * 1e-5, lat: 52.5312, accuracyM: 6, recordedAt: new Date().toISOString(), seq: s }).catch(
          () => null,
        );
      }
    })();
    try {
      expect(await across).toMatchObject({ bookingId, workerId: m.worker.workerId });
      console.info(`Redis outage: a location crossed instances ${Date.now() - restartedAt} ms after Redis answered again`);
    } finally {
      recovered = true;
      await sending;
    }
    await until(async () => (await readiness(a)) === '200 ok' && (await readiness(b)) === '200 ok', 'both instances to report ok', 15_000);
    await sleep(1_000);
    running = false;
    await Promise.all(loops);

    for (const instance of [a, b]) {
      expect(instance.proc.exitCode, instance.log.join('')).toBeNull();
      expect(instance.proc.signalCode).toBeNull();
    }
    const summary = (p: Phase) => {
      const of = samples.filter((s) => s.phase === p);
      const byStatus = new Map<number, number>();
      for (const s of of) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
      return `${p}: ${of.length} requests (${[...byStatus].map(([status, n]) => `${status}×${n}`).join(', ')})`;
    };
    console.info(`Redis outage traffic: ${summary('before')}; ${summary('outage')}; ${summary('after')}`);
    expect(samples.filter((s) => s.phase === 'outage').length).toBeGreaterThan(20);
    // No 5xx at all, except (allowed by the issue, not used by this design) a 503 on a live update.
    const live = new Set(traffic.filter((t) => t.live).map((t) => t.route));
    expect(samples.filter((s) => s.status >= 500 && !(s.status === 503 && live.has(s.route)))).toEqual([]);
    // Every answer is one the route gives with Redis up, and every request got one.
    const allowed = new Map(traffic.map((t) => [t.route, t.allowed]));
    expect(samples.filter((s) => !allowed.get(s.route)!.includes(s.status))).toEqual([]);
    for (const instance of [a, b]) {
      const log = instance.log.join('');
      expect(log.match(/Redis is unavailable/g), 'one warning per outage, not one per request').toHaveLength(1);
      expect(log).not.toMatch(/unhandled rejection|uncaught exception|shutting down/);
    }
  }, 180_000);
});
