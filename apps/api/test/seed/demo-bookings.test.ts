import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/platform/db.js';
import { seedCity } from '../../src/seed/seed-city.js';
import { seedDemoBookings, type DemoBookings } from '../../src/seed/demo-bookings.js';
import { createTestApp, type TestApp } from '../support/app.js';

/* The demo a first `npm start` shows: bookings between the demo sign-ins, made through the API. */

let t: TestApp;
let demo: DemoBookings;
beforeAll(async () => {
  t = await createTestApp();
  // A Monday morning, so the next two weeks hold the demo worker's weekdays.
  t.clock.set(new Date('2030-06-03T07:00:00Z'));
  const city = await seedCity(t.db, null, {
    city: 'London',
    businesses: 25,
    workersPerBusiness: 2,
    demoAccounts: true,
    passwordHashing: { memoryCost: 1024, timeCost: 1 },
  });
  demo = await seedDemoBookings(t.app, city.businessIds[0]!);
  await t.drain();
});
afterAll(() => t?.close());

describe('demo bookings', () => {
  it('gives the demo owner a confirmed walk and a request waiting for the demo business', async () => {
    expect(demo.pet).toBe('Biscuit');
    expect(demo.bookings.map((b) => b.status)).toEqual(['confirmed', 'pending']);
    const rows = rowsOf<{ number: string; status: string; owner: string; business_owner: string; worker_email: string; payment: string }>(
      await t.db.execute(sql`select b.number, b.status, o.email as owner, bo.email as business_owner, wu.email as worker_email, p.status as payment
        from bookings b join users o on o.id = b.owner_id join businesses bz on bz.id = b.business_id join users bo on bo.id = bz.owner_id
        join workers w on w.id = b.worker_id join users wu on wu.id = w.user_id
        join payments p on p.booking_id = b.id order by b.starts_at`),
    );
    expect(rows.map((r) => [r.status, r.payment])).toEqual([
      ['confirmed', 'succeeded'],
      ['pending', 'authorized'],
    ]);
    for (const r of rows)
      expect([r.owner, r.business_owner, r.worker_email]).toEqual([
        'owner@demo.walkydoggy.test',
        'business@demo.walkydoggy.test',
        'worker@demo.walkydoggy.test',
      ]);
    // Two different days, never in the past.
    const starts = demo.bookings.map((b) => new Date(b.startsAt));
    expect(starts[0]!.toISOString().slice(0, 10)).not.toBe(starts[1]!.toISOString().slice(0, 10));
    for (const s of starts) expect(s.getTime()).toBeGreaterThan(t.clock.now().getTime());
  });

  it('gives the demo owner a saved home, a picture and a photo of the dog, and books at that home by its address', async () => {
    const [owner] = rowsOf<{ id: string; avatar: string | null }>(
      await t.db.execute(sql`select id, avatar_media_id as avatar from users where email = 'owner@demo.walkydoggy.test'`),
    );
    expect(owner!.avatar).not.toBeNull();
    const places = rowsOf<{ kind: string; address: { street: string; city: string } }>(
      await t.db.execute(sql`select kind, address from user_places where user_id = ${owner!.id}`),
    );
    expect(places).toEqual([{ kind: 'home', address: expect.objectContaining({ city: 'London', street: expect.stringMatching(/^\d+ \w/) }) }]);
    expect(demo.home).toContain(places[0]!.address.street);
    const petPhotos = rowsOf<{ n: number }>(
      await t.db.execute(sql`select count(*)::int as n from pet_photos pp join pets p on p.id = pp.pet_id where p.name = 'Biscuit'`),
    );
    expect(petPhotos[0]!.n).toBe(1);
    const addresses = rowsOf<{ kind: string; street: string }>(
      await t.db.execute(sql`select location_kind as kind, address->>'street' as street from bookings where owner_id = ${owner!.id}`),
    );
    expect(addresses.length).toBe(2);
    for (const a of addresses) expect(a).toEqual({ kind: 'owner_home', street: places[0]!.address.street });
  });
});
