import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/platform/db.js';
import { formatDistance, formatDuration } from '../../src/modules/tracking/report.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { call, world, type Marketplace } from '../bookings/helpers.js';
import { newMedia, type Caller } from '../businesses/fixtures.js';
import { complete, north, uploadPoints, walk } from './track.fixtures.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
});
afterAll(() => t.close());

const report = (id: string, who: Caller | null = m.petOwner) => call(t, who, 'GET', `/v1/bookings/${id}/report`);
const reportNotifications = async (id: string) =>
  rowsOf<{ title: string; message: string; data: Record<string, string> }>(
    await t.db.execute(sql`select title, message, data from notifications where user_id = ${m.petOwner.id} and dedupe_key = ${`walk-report:${id}`}`),
  );

describe('the walk report', () => {
  it('is made at completion from the track, events, notes and photos; the owner is told once; late points remake it', async () => {
    const t0 = t.clock.now();
    const id = await walk(t, m, 'in_progress');
    t.clock.advance(45 * 60_000);
    // Two segments: 100 m in the first minute, then after a 5-minute gap 50 m more.
    const points = [0, 30, 60]
      .map((s, i) => north(t0, s, (s * 100) / 60, i))
      .concat([360, 390].map((s, i) => north(t0, s, 1000 + (s - 360) * (50 / 30), 10 + i)));
    expect((await uploadPoints(t, m.worker, id, points)).json().data.accepted).toBe(5);
    const at = new Date(t0.getTime() + 20 * 60_000).toISOString();
    const walkPhoto = await newMedia(t, m.worker.id, 'booking_photo');
    for (const body of [
      { kind: 'pee', at },
      { kind: 'pee', at },
      { kind: 'poo', at },
      { kind: 'photo', at, mediaId: walkPhoto },
    ])
      expect((await call(t, m.worker, 'POST', `/v1/bookings/${id}/walk-events`, body)).statusCode).toBe(201);
    expect((await report(id)).statusCode).toBe(404);

    const finalPhoto = await newMedia(t, m.worker.id, 'booking_photo');
    await complete(t, m, id, { notes: 'Rex was very good.', photoIds: [finalPhoto] });
    // The completion enqueues the job (bookings module); tests run jobs by draining.
    await t.drain();

    const res = await report(id);
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data).toMatchObject({
      bookingId: id,
      serviceName: 'Neighbourhood walk',
      petNames: ['Rex'],
      worker: { id: m.worker.workerId, firstName: 'Wendy' },
      startedAt: t0.toISOString(),
      endedAt: t.clock.now().toISOString(),
      durationSeconds: 45 * 60,
      distanceMeters: 150,
      counts: { pee: 2, poo: 1, water: 0, food: 0, photo: 1, note: 0 },
      notes: 'Rex was very good.',
      stats: { points: 5, duplicates: 0, jumps: 0, distanceMeters: 150, durationSeconds: 45 * 60 },
    });
    expect(data.route.map((line: unknown[]) => line.length)).toEqual([3, 2]);
    expect(data.route[0][0]).toEqual([points[0]!.lng, points[0]!.lat]);
    expect(data.events.map((e: { kind: string }) => e.kind)).toEqual(['pee', 'pee', 'poo', 'photo']);
    expect(data.photos).toEqual([
      { mediaId: walkPhoto, url: `/v1/media/${walkPhoto}/file` },
      { mediaId: finalPhoto, url: `/v1/media/${finalPhoto}/file` },
    ]);

    const told = await reportNotifications(id);
    expect(told).toEqual([
      {
        title: 'Walk report for Rex',
        message: 'Wendy walked Rex: 150 m in 45 min.',
        data: expect.objectContaining({ bookingId: id, link: `/bookings/${id}/report` }),
      },
    ]);
    await t.drain();
    const mails = t.outbox.filter((mail) => mail.to === m.petOwner.email && mail.text.includes('150 m in 45 min'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('2 × pee, 1 × poo, 1 × photo');
    expect(mails[0]!.text).toContain('Rex was very good.');

    // Late points recorded during the walk: the report is remade, nobody is told again.
    t.clock.advance(60 * 60_000);
    const late = await uploadPoints(t, m.worker, id, [north(t0, 600, 2000, 20), north(t0, 630, 2050, 21)]);
    expect(late.json().data.accepted).toBe(2);
    await t.drain();
    expect((await report(id)).json().data).toMatchObject({ distanceMeters: 200, stats: { points: 7 } });
    expect((await report(id)).json().data.route).toHaveLength(3);
    expect(await reportNotifications(id)).toHaveLength(1);
    expect(t.outbox.filter((mail) => mail.to === m.petOwner.email && mail.text.includes('walked Rex'))).toHaveLength(1);

    const statusOf = async (who: Caller | null) => (await report(id, who)).statusCode;
    expect({
      business: await statusOf(m.owner),
      worker: await statusOf(m.worker),
      otherBusiness: await statusOf(m.otherOwner),
      admin: await statusOf(m.admin),
      anonymous: await statusOf(null),
    }).toEqual({ business: 200, worker: 200, otherBusiness: 404, admin: 404, anonymous: 401 });
  });

  it('a job for a booking that is not completed makes nothing', async () => {
    const id = await walk(t, m, 'in_progress');
    await t.app.platform.queue.enqueue(t.db, 'tracking.report', { bookingId: id });
    await t.drain();
    expect((await report(id)).statusCode).toBe(404);
    expect(rowsOf(await t.db.execute(sql`select 1 from walk_reports where booking_id = ${id}`))).toHaveLength(0);
    t.clock.advance(60_000);
    await complete(t, m, id);
  });

  it('formats distances and durations for the mail', () => {
    expect([formatDistance(0), formatDistance(849.6), formatDistance(2_449)]).toEqual(['0 m', '850 m', '2.4 km']);
    expect([formatDuration(58 * 60), formatDuration(65 * 60), formatDuration(120 * 60)]).toEqual(['58 min', '1 h 5 min', '2 h']);
  });
});
