import { sql } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, PresenceBroadcast, ServerToClientEvents } from '@walkydoggy/shared';
import { rowsOf } from '../../src/platform/db.js';
import { presenceOfApp } from '../../src/modules/tracking/presence.service.js';
import type { TestApp } from '../support/app.js';
import { marketplace, newService, type Marketplace } from '../support/marketplace.js';

/** Shared by the presence tests (PGlite/PostgreSQL index and Redis index). */

export type WorkerCaller = Marketplace['worker'];

/** Mitte, Berlin: the worker of the marketplace's business; the other business's worker ~1.5 km east. */
export const MITTE = { lng: 13.38, lat: 52.53 };
export const EAST = { lng: 13.402, lat: 52.531 };

/**
 * The marketplace (a verified business with a walking service, its worker, another verified business
 * with its worker, a pet owner, an admin) plus a grooming service at the other business.
 */
export async function presenceWorld(t: TestApp): Promise<Marketplace> {
  const m = await marketplace(t);
  await newService(t, m.otherOwner, m.otherBusinessId, { name: 'Bath and trim', type: 'grooming', workerIds: [m.otherWorker.workerId] });
  return m;
}

/** A position fixed now on the app's clock. */
export function fix(t: TestApp, at: { lng: number; lat: number } = MITTE, overrides: Record<string, unknown> = {}) {
  return { ...at, accuracyM: 8, recordedAt: t.clock.now().toISOString(), ...overrides };
}

export function goOnline(t: TestApp, w: WorkerCaller, body: Record<string, unknown> = {}, workerId = w.workerId) {
  return t.app.inject({ method: 'POST', url: `/v1/workers/${workerId}/online`, headers: t.bearer(w.accessToken), payload: body });
}
export function goOffline(t: TestApp, w: WorkerCaller, workerId = w.workerId) {
  return t.app.inject({ method: 'POST', url: `/v1/workers/${workerId}/offline`, headers: t.bearer(w.accessToken) });
}
export function sendLocation(t: TestApp, w: WorkerCaller, body: Record<string, unknown>, workerId = w.workerId) {
  return t.app.inject({ method: 'PUT', url: `/v1/workers/${workerId}/location`, headers: t.bearer(w.accessToken), payload: body });
}
/** Writes the positions the apps' presence holds for their next batch (what a second's wait would do). */
export async function flushPresence(...apps: TestApp[]) {
  for (const t of apps) await presenceOfApp(t.app.platform.realtime)!.flush();
}

/** Everybody offline: no presence rows, and the app's cached online states and pending positions forgotten. */
export async function resetPresence(t: TestApp) {
  presenceOfApp(t.app.platform.realtime)!.forget();
  await t.db.execute(sql`delete from worker_presence`);
}

export async function nearby(t: TestApp, who: { accessToken: string } | null, query: Record<string, string | number>) {
  await flushPresence(t);
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return t.app.inject({ method: 'GET', url: `/v1/locations/workers?${qs}`, headers: who ? t.bearer(who.accessToken) : {} });
}

export type PresenceRow = {
  online: boolean;
  lng: number | null;
  lat: number | null;
  accuracy_m: number | null;
  seen_at: string | null;
  recorded_at: string | null;
};

/** The worker's presence row as plain values (null when they never went online). */
export async function presenceOf(t: TestApp, workerId: string): Promise<PresenceRow | null> {
  await flushPresence(t);
  const [row] = rowsOf<PresenceRow>(
    await t.db.execute(sql`
      select online_at is not null as online, st_x(location::geometry) as lng, st_y(location::geometry) as lat, accuracy_m,
             to_char(seen_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as seen_at,
             to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as recorded_at
      from worker_presence where worker_id = ${workerId}`),
  );
  return row ? { ...row, lng: row.lng === null ? null : Number(row.lng), lat: row.lat === null ? null : Number(row.lat) } : null;
}

export async function runSweep(t: TestApp) {
  await t.app.platform.queue.enqueue(t.db, 'tracking.presence-sweep', {});
  await t.drain();
}

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents> & { presence: PresenceBroadcast[] };

/** Listens on a free port once per app; the socket URL. */
export async function listen(t: TestApp): Promise<string> {
  const address = t.app.server.address();
  if (address && typeof address === 'object') return `http://127.0.0.1:${address.port}`;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const bound = t.app.server.address() as { port: number };
  return `http://127.0.0.1:${bound.port}`;
}

/** A connected socket of `token`, recording the `worker:presence` events it receives. */
export async function connect(url: string, token: string): Promise<LiveClient> {
  const socket = io(`${url}/v1`, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true }) as LiveClient;
  socket.presence = [];
  socket.on('worker:presence', (payload) => socket.presence.push(payload));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Waits until `check` holds (events arrive asynchronously), failing after a few seconds. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
