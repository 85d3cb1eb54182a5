import { and, eq, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { expect } from 'vitest';
import { START_WINDOW_DEFAULT_MINUTES } from '@walkydoggy/shared';
import { bookingEvents, bookings } from '@walkydoggy/shared/db';
import { rowsOf } from '../../src/platform/db.js';
import { rowCounts, type TestApp } from '../support/app.js';
import { marketplace, type Marketplace, type ServiceInput } from '../support/marketplace.js';
import type { Caller } from '../businesses/fixtures.js';

/**
 * Bookings tests run on a fixed clock: Monday 3 June 2030, 08:00 in Berlin. "Tomorrow 10:00" is then
 * always bookable (the worker and the business are available 07:00–20:00 every day).
 */
export const NOW = new Date('2030-06-03T06:00:00Z');
export const TOMORROW = '2030-06-04';
export const ZONE = 'Europe/Berlin';

/** A local date and time in Berlin as an ISO instant. */
export function berlin(date: string, time: string): string {
  return DateTime.fromISO(`${date}T${time}`, { zone: ZONE }).toUTC().toISO({ suppressMilliseconds: true })!;
}

export async function world(t: TestApp, opts: Parameters<typeof marketplace>[1] = {}): Promise<Marketplace> {
  t.clock.set(NOW);
  return marketplace(t, opts);
}

/** Inside the business's service area (a square of ±0.05° around 52.53, 13.38). */
export const HOME = { kind: 'owner_home' as const, lat: 52.531, lng: 13.381, address: { street: 'Chausseestraße 10', city: 'Berlin', postalCode: '10115' } };

export function bookingBody(m: Marketplace, overrides: Record<string, unknown> = {}) {
  return { serviceId: m.serviceId, petIds: [m.petId], startsAt: berlin(TOMORROW, '10:00'), location: HOME, ...overrides };
}

export function book(t: TestApp, who: Caller, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/v1/bookings', headers: { ...t.bearer(who.accessToken), ...headers }, payload: body });
}

/** Books and expects a 201; the booking as answered. */
export async function booked(t: TestApp, who: Caller, body: Record<string, unknown>) {
  const res = await book(t, who, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data as BookingView;
}

export type BookingView = {
  id: string;
  number: string;
  status: string;
  actions: string[];
  worker: { id: string } | null;
  startsAt: string;
  price: { totalMinor: number; lines: { code: string; amountMinor: number }[] };
  payment: { id: string; status: string } | null;
  [key: string]: unknown;
};

export function call(t: TestApp, who: Caller | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: who ? t.bearer(who.accessToken) : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
}

let payer = 0;
/**
 * The owner pays: a payment intent, then the simulated card step, which authorises it. Each payment
 * comes from its own address: the intent route's rate limit is per client, and these tests pay often.
 */
export async function pay(t: TestApp, owner: Caller, bookingId: string) {
  const remoteAddress = `10.9.${Math.floor(++payer / 250)}.${payer % 250}`;
  const intent = await t.app.inject({
    method: 'POST',
    url: '/v1/payments/intent',
    headers: t.bearer(owner.accessToken),
    payload: { bookingId },
    remoteAddress,
  });
  expect(intent.statusCode, intent.body).toBe(201);
  const paymentId = intent.json().data.payment.id as string;
  const confirmed = await call(t, owner, 'POST', '/v1/payments/confirm', { paymentId });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return paymentId;
}

/** Every row count a booking request could change, to prove that a refused one wrote nothing. */
export async function bookingCounts(t: TestApp) {
  type Extra = Record<
    'bookings' | 'booking_pets' | 'booking_events' | 'booking_series' | 'booking_photos' | 'idempotency_keys' | 'payments' | 'refunds',
    number
  >;
  const extra = rowsOf<Extra>(
    await t.db.execute(sql`select
      (select count(*) from bookings)::int as bookings, (select count(*) from booking_pets)::int as booking_pets,
      (select count(*) from booking_events)::int as booking_events, (select count(*) from booking_series)::int as booking_series,
      (select count(*) from booking_photos)::int as booking_photos, (select count(*) from idempotency_keys)::int as idempotency_keys,
      (select count(*) from payments)::int as payments, (select count(*) from refunds)::int as refunds`),
  )[0]!;
  return { ...(await rowCounts(t.app)), ...extra };
}

/** Jobs waiting by name, with their data (what a transaction enqueued). */
export async function queued(t: TestApp, name: string): Promise<Record<string, unknown>[]> {
  return rowsOf<{ data: Record<string, unknown> }>(
    await t.db.execute(sql`select data from pgboss.job where name = ${name} and state = 'created' order by created_on`),
  ).map((r) => r.data);
}

/** A co-owner of the marketplace's dog, who did not book anything. */
export async function coOwnerOf(t: TestApp, m: Marketplace) {
  const coOwner = await t.newUser();
  expect((await call(t, m.petOwner, 'POST', `/v1/pets/${m.petId}/co-owners`, { email: coOwner.email })).statusCode).toBe(201);
  const { token } = await t.linkFor(coOwner.email, '/invitations/pet');
  expect((await call(t, coOwner, 'POST', '/v1/pet-invitations/accept', { token })).statusCode).toBe(200);
  return coOwner;
}

/** Fresh slots for one test file, 90 minutes apart from 08:00 to 18:30, day after day from `firstDate` on. */
export function slotSequence(firstDate: string) {
  let i = 0;
  return () => {
    const n = i++;
    const minutes = 8 * 60 + (n % 8) * 90;
    const date = new Date(Date.parse(`${firstDate}T00:00:00Z`) + Math.floor(n / 8) * 86_400_000).toISOString().slice(0, 10);
    return berlin(date, `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`);
  };
}

export type State = 'pending' | 'paid' | 'confirmed' | 'in_progress' | 'completed' | 'declined' | 'cancelled' | 'expired';
export const ok = (res: { statusCode: number; body: string }) => expect(res.statusCode, res.body).toBe(200);

/** A booking of the marketplace's pet owner at `startsAt`, moved through the API into `state` (expired: written directly). */
export async function bookingInState(t: TestApp, m: Marketplace, state: State, startsAt: string, body: Record<string, unknown> = {}): Promise<BookingView> {
  const b = await booked(t, m.petOwner, bookingBody(m, { startsAt, ...body }));
  if (state === 'pending') return b;
  if (state === 'declined') return (ok(await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/decline`, {})), b);
  if (state === 'cancelled') return (ok(await call(t, m.petOwner, 'POST', `/v1/bookings/${b.id}/cancel`, { reason: 'Plans changed' })), b);
  if (state === 'expired') {
    await t.db.update(bookings).set({ status: 'expired' }).where(eq(bookings.id, b.id));
    return b;
  }
  if (b.price.totalMinor > 0) await pay(t, m.petOwner, b.id);
  if (state === 'paid') return b;
  ok(await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/confirm`));
  if (state === 'confirmed') return b;
  const runner = b.worker ? m.worker : m.owner;
  await startEarly(t, runner, b.id, startsAt);
  if (state === 'in_progress') return b;
  ok(await call(t, runner, 'POST', `/v1/bookings/${b.id}/complete`, {}));
  return b;
}

/**
 * Starts a booking through the API now, however far ahead it is. A walk may start only once its start
 * window opens (2 hours before, by default; tested in test/tracking/set-off.test.ts), so the start is
 * made on a clock moved to then, and dated back to the test's now, as the tests that walk it expect.
 */
export async function startEarly(t: TestApp, runner: Caller, id: string, startsAt: string) {
  const now = t.clock.now();
  const from = new Date(Date.parse(startsAt) - START_WINDOW_DEFAULT_MINUTES * 60_000);
  if (now < from) t.clock.set(from);
  try {
    ok(await call(t, runner, 'POST', `/v1/bookings/${id}/start`));
  } finally {
    t.clock.set(now);
  }
  if (now < from) {
    await t.db.update(bookings).set({ startedAt: now, updatedAt: now }).where(eq(bookings.id, id));
    await t.db
      .update(bookingEvents)
      .set({ at: now })
      .where(and(eq(bookingEvents.bookingId, id), eq(bookingEvents.toStatus, 'in_progress')));
  }
}

export async function bookingStatus(t: TestApp, id: string) {
  return (await t.db.select({ status: bookings.status }).from(bookings).where(eq(bookings.id, id)))[0]!.status;
}

export type { Marketplace, ServiceInput };

/** A notification as the notifier wrote it, with the channels it goes out on and its e-mail (the email delivery's payload). */
export type Notice = {
  id: string;
  userId: string;
  type: string;
  title: string;
  message: string;
  data: Record<string, unknown>;
  dedupeKey: string | null;
  channels: string[];
  mail: Record<string, unknown> | null;
  attachments: { filename: string; contentType: string; content: string }[] | null;
};

/** The notifications written so far (oldest first), optionally only those about one booking or of one type. */
export async function notices(t: TestApp, where: { bookingId?: string; type?: string; userId?: string } = {}): Promise<Notice[]> {
  return rowsOf<Notice>(
    await t.db.execute(sql`
      select n.id, n.user_id as "userId", n.type, n.title, n.message, n.data, n.dedupe_key as "dedupeKey",
        coalesce((select array_agg(d.channel::text order by d.channel) from notification_deliveries d where d.notification_id = n.id), '{}') as channels,
        (select d.payload->'mail' from notification_deliveries d where d.notification_id = n.id and d.channel = 'email') as mail,
        (select d.payload->'attachments' from notification_deliveries d where d.notification_id = n.id and d.channel = 'email') as attachments
      from notifications n
      where (${where.bookingId ?? null}::text is null or n.data->>'bookingId' = ${where.bookingId ?? null}::text)
        and (${where.type ?? null}::text is null or n.type = ${where.type ?? null}::text)
        and (${where.userId ?? null}::text is null or n.user_id::text = ${where.userId ?? null}::text)
      order by n.created_at, n.id`),
  );
}

/**
 * The e-mails the notifications written so far send (each email delivery's mail, addressed as the
 * delivery job addresses it), in the shape a `mail.send` job had: `{to, template, …, attachments?}`.
 */
export async function notifiedMails(t: TestApp): Promise<Record<string, unknown>[]> {
  const rows = rowsOf<{ to: string; payload: { mail: Record<string, unknown>; attachments?: unknown[] } }>(
    await t.db.execute(sql`select u.email as "to", d.payload from notification_deliveries d
      join notifications n on n.id = d.notification_id join users u on u.id = n.user_id
      where d.channel = 'email' order by n.created_at, d.created_at, d.id`),
  );
  return rows.map((r) => ({ to: r.to, ...r.payload.mail, ...(r.payload.attachments ? { attachments: r.payload.attachments } : {}) }));
}
