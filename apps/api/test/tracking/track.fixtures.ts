import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@walkydoggy/shared';
import { rowsOf } from '../../src/platform/db.js';
import type { TestApp } from '../support/app.js';
import { bookingInState, call, slotSequence, TOMORROW, type State } from '../bookings/helpers.js';
import type { Marketplace } from '../support/marketplace.js';
import type { Caller } from '../businesses/fixtures.js';

/** Shared by the track tests: bookings walked by the marketplace's worker, points, sockets. */

const next = slotSequence(TOMORROW);

/** A booking of the marketplace in `state`, with its worker assigned, at the next free slot. */
export async function walk(t: TestApp, m: Marketplace, state: State) {
  const b = await bookingInState(t, m, state, next());
  expect(b.worker?.id).toBe(m.worker.workerId);
  return b.id;
}

/** Where the walk starts: the booking's location (HOME in the bookings helpers). */
export const START = { lng: 13.381, lat: 52.531 };

/** A position `meters` north of START, fixed `seconds` after `t0`. */
export function north(t0: Date, seconds: number, meters: number, seq?: number) {
  return {
    lng: START.lng,
    lat: START.lat + meters / 111_195,
    accuracyM: 5,
    recordedAt: new Date(t0.getTime() + seconds * 1000).toISOString(),
    ...(seq !== undefined ? { seq } : {}),
  };
}

export function uploadPoints(t: TestApp, who: Caller, bookingId: string, points: unknown[]) {
  return call(t, who, 'POST', `/v1/bookings/${bookingId}/tracking/points`, { points });
}

/** Stored points of a booking: seq and seconds after `t0`, in time order. */
export async function storedPoints(t: TestApp, bookingId: string, t0: Date) {
  return rowsOf<{ seq: number | null; s: number }>(
    await t.db.execute(sql`select seq, extract(epoch from recorded_at - ${t0.toISOString()}::timestamptz)::float8 as s
      from booking_track_points where booking_id = ${bookingId} order by recorded_at`),
  ).map((r) => ({ seq: r.seq, s: Number(r.s) }));
}

export async function counters(t: TestApp, bookingId: string) {
  const [row] = rowsOf<{ duplicates: number; jumps: number; on_the_way_at: string | null }>(
    await t.db.execute(sql`select duplicates, jumps, on_the_way_at from booking_tracks where booking_id = ${bookingId}`),
  );
  return row ?? null;
}

export type Watcher = Socket<ServerToClientEvents, ClientToServerEvents> & { got: { event: string; payload: unknown }[] };

/** Listens on a free port once per app; the socket URL. */
export async function listen(t: TestApp): Promise<string> {
  const address = t.app.server.address();
  if (address && typeof address === 'object') return `http://127.0.0.1:${address.port}`;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
}

const WATCHED = ['location:updated', 'walk:event', 'tracking:eta', 'booking:status'] as const;

/** A connected socket (null token: anonymous, which the handshake refuses) recording the booking events it receives. */
export async function connect(url: string, token: string): Promise<Watcher> {
  const socket = io(`${url}/v1`, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true }) as Watcher;
  socket.got = [];
  for (const event of WATCHED) socket.on(event, ((payload: unknown) => socket.got.push({ event, payload })) as never);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

export function join(socket: Watcher, bookingId: string) {
  return socket.emitWithAck('booking:join', { bookingId });
}

export const received = (socket: Watcher, event: string) => socket.got.filter((g) => g.event === event).map((g) => g.payload as Record<string, unknown>);

/** Waits until `check` holds (events arrive asynchronously), failing after a few seconds. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The worker completes the walk now (on the app's clock). */
export async function complete(t: TestApp, m: Marketplace, bookingId: string, body: Record<string, unknown> = {}) {
  const res = await call(t, m.worker, 'POST', `/v1/bookings/${bookingId}/complete`, body);
  expect(res.statusCode, res.body).toBe(200);
}
