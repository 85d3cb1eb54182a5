import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, businesses } from '@walkydoggy/shared/db';
import { rowsOf } from '../../src/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { newPet, newService } from '../support/marketplace.js';
import type { Caller } from '../businesses/fixtures.js';
import { berlin, book, bookingBody, world, type Marketplace } from './helpers.js';

/*
 * Double bookings are impossible by construction, not by luck of timing: 50 requests for one worker
 * and one slot, or for the last places of a day, arrive at once on real PostgreSQL connections.
 */

const N = 50;
let t: TestApp;
let m: Marketplace;
let owners: { caller: Caller; petId: string }[];
beforeAll(async () => {
  // Errors are logged: a 5xx in this race should say what it was in the CI output.
  t = await createTestApp({ env: { LOG_LEVEL: 'error' } });
  m = await world(t);
  owners = [];
  for (let i = 0; i < N; i++) {
    const caller = await t.newUser();
    owners.push({ caller, petId: await newPet(t, caller, { name: `Dog ${i}` }) });
  }
}, 300_000);
afterAll(() => t.close());

function tally(statuses: number[]) {
  return statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
}

describe('concurrent bookings on PostgreSQL', () => {
  it('50 owners ask for the same worker and slot at once: one 201, 49 409, no 5xx', async () => {
    const startsAt = berlin('2030-06-05', '10:00');
    const responses = await Promise.all(
      owners.map(({ caller, petId }) => book(t, caller, bookingBody(m, { petIds: [petId], startsAt, workerId: m.worker.workerId }))),
    );
    expect(tally(responses.map((r) => r.statusCode))).toEqual({ 201: 1, 409: N - 1 });
    for (const r of responses.filter((x) => x.statusCode === 409)) expect(r.json().error.code).toBe('CONFLICT');
    const rows = await t.db
      .select()
      .from(bookings)
      .where(eq(bookings.startsAt, new Date(startsAt)));
    expect(rows.length).toBe(1);
  });

  it('one owner without idempotency keys fires 50 requests for one slot: still one booking', async () => {
    const startsAt = berlin('2030-06-06', '10:00');
    const { caller, petId } = owners[0]!;
    const responses = await Promise.all(Array.from({ length: N }, () => book(t, caller, bookingBody(m, { petIds: [petId], startsAt }))));
    expect(tally(responses.map((r) => r.statusCode))).toEqual({ 201: 1, 409: N - 1 });
    expect(
      (
        await t.db
          .select()
          .from(bookings)
          .where(eq(bookings.startsAt, new Date(startsAt)))
      ).length,
    ).toBe(1);
  });

  it('the same Idempotency-Key sent 20 times at once makes one booking', async () => {
    const startsAt = berlin('2030-06-07', '10:00');
    const { caller, petId } = owners[1]!;
    const body = bookingBody(m, { petIds: [petId], startsAt });
    const responses = await Promise.all(Array.from({ length: 20 }, () => book(t, caller, body, { 'idempotency-key': 'race-key' })));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const created = responses.filter((r) => r.statusCode === 201);
    expect(new Set(created.map((r) => r.json().data.id)).size).toBe(1);
    expect(
      (
        await t.db
          .select()
          .from(bookings)
          .where(eq(bookings.startsAt, new Date(startsAt)))
      ).length,
    ).toBe(1);
  });

  it('50 owners ask for the last 5 daycare places of a day at once: five 201, 45 409', async () => {
    await t.db.update(businesses).set({ dailyCapacity: 5 }).where(eq(businesses.id, m.businessId));
    const daycare = await newService(t, m.owner, m.businessId, { name: 'Daycare', type: 'daycare', priceType: 'per_day', durationMinutes: null });
    const responses = await Promise.all(
      owners.map(({ caller, petId }) =>
        book(t, caller, { serviceId: daycare, petIds: [petId], startDate: '2030-06-10', endDate: '2030-06-10', location: { kind: 'business' } }),
      ),
    );
    expect(tally(responses.map((r) => r.statusCode))).toEqual({ 201: 5, 409: N - 5 });
    const [row] = rowsOf<{ pets: number }>(
      await t.db.execute(sql`select coalesce(sum(pet_count), 0)::int as pets from bookings where service_id = ${daycare} and status = 'pending'`),
    );
    expect(row!.pets).toBe(5);
  });
});
