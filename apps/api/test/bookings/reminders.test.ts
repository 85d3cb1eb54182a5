import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { berlin, bookingInState, call, NOW, notices, ok, startEarly, world, type Marketplace } from './helpers.js';

/*
 * Reminders before a confirmed booking: two `notifications.reminder` jobs enqueued with the
 * confirmation, due a day and an hour before the start, which remind the owner and the assigned
 * worker only if the booking is still confirmed for the same time.
 */

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
});
afterAll(() => t.close());

type ReminderJob = { id: string; data: { bookingId: string; kind: '24h' | '1h'; startsAt: string }; delay: number; state: string };

/** The reminder jobs of a booking, with how long after their enqueueing they are due (in seconds). */
async function remindersOf(bookingId: string): Promise<ReminderJob[]> {
  return rowsOf<ReminderJob>(
    await t.db.execute(sql`select id, data, state, extract(epoch from start_after - created_on)::float8 as delay
      from pgboss.job where name = 'notifications.reminder' and data->>'bookingId' = ${bookingId} order by start_after`),
  );
}

/** Makes a booking's reminder jobs of `kind` due now, then runs due jobs as the workers would. */
async function runReminders(bookingId: string, kind: '24h' | '1h') {
  await t.db.execute(
    sql`update pgboss.job set start_after = now() where name = 'notifications.reminder' and data->>'bookingId' = ${bookingId} and data->>'kind' = ${kind}`,
  );
  await t.drain();
}

describe('notifications.reminder', () => {
  it('a confirmation enqueues the day-before and hour-before reminders at the right times', async () => {
    // Confirmed at 08:00 on 3 June for 10:00 on 5 June (Berlin), 50 h ahead: reminders due in 26 h and 49 h.
    const startsAt = berlin('2030-06-05', '10:00');
    const b = await bookingInState(t, m, 'confirmed', startsAt);
    const hoursAhead = (Date.parse(startsAt) - NOW.getTime()) / 3_600_000;
    expect(hoursAhead).toBe(50);
    expect(await remindersOf(b.id)).toEqual([
      expect.objectContaining({ data: { bookingId: b.id, kind: '24h', startsAt: new Date(startsAt).toISOString() }, delay: 26 * 3600, state: 'created' }),
      expect.objectContaining({ data: { bookingId: b.id, kind: '1h', startsAt: new Date(startsAt).toISOString() }, delay: 49 * 3600, state: 'created' }),
    ]);
  });

  it('skips a reminder whose time has passed at the confirmation', async () => {
    // 2 h 30 ahead: no day-before reminder, the hour-before one in 1 h 30.
    const startsAt = berlin('2030-06-03', '10:30');
    const b = await bookingInState(t, m, 'confirmed', startsAt);
    expect(await remindersOf(b.id)).toEqual([expect.objectContaining({ data: expect.objectContaining({ kind: '1h' }), delay: 90 * 60 })]);
  });

  it('reminds the owner and the assigned worker once, however often the job runs', async () => {
    const startsAt = berlin('2030-06-06', '10:00');
    const b = await bookingInState(t, m, 'confirmed', startsAt);
    await runReminders(b.id, '24h');
    const sent = await notices(t, { bookingId: b.id, type: 'booking.reminder_24h' });
    expect(sent.map((n) => n.userId).sort()).toEqual([m.petOwner.id, m.worker.id].sort());
    for (const n of sent)
      expect(n).toMatchObject({
        title: 'Tomorrow: Neighbourhood walk',
        dedupeKey: `reminder-24h:${b.id}`,
        data: { bookingId: b.id, number: b.number, link: `/bookings/${b.id}` },
        channels: expect.arrayContaining(['in_app', 'email']),
      });
    expect(sent.find((n) => n.userId === m.worker.id)!.message).toContain('for Robin Walker');
    expect((await remindersOf(b.id)).find((j) => j.data.kind === '24h')!.state).toBe('completed');

    // The same job again (a retry): nobody is reminded twice.
    await t.app.platform.queue.enqueue(t.db, 'notifications.reminder', { bookingId: b.id, kind: '24h', startsAt: new Date(startsAt).toISOString() });
    await t.drain();
    expect(await notices(t, { bookingId: b.id, type: 'booking.reminder_24h' })).toHaveLength(2);

    // The hour-before one is a reminder of its own.
    await runReminders(b.id, '1h');
    const hour = await notices(t, { bookingId: b.id, type: 'booking.reminder_1h' });
    expect(hour.map((n) => n.userId).sort()).toEqual([m.petOwner.id, m.worker.id].sort());
    expect(hour[0]).toMatchObject({ title: 'In an hour: Neighbourhood walk', dedupeKey: `reminder-1h:${b.id}` });
  });

  it('reminds nobody of a booking cancelled meanwhile', async () => {
    const b = await bookingInState(t, m, 'confirmed', berlin('2030-06-07', '10:00'));
    ok(await call(t, m.petOwner, 'POST', `/v1/bookings/${b.id}/cancel`, { reason: 'Plans changed' }));
    await runReminders(b.id, '24h');
    await runReminders(b.id, '1h');
    expect((await remindersOf(b.id)).map((j) => j.state)).toEqual(['completed', 'completed']);
    expect((await notices(t, { bookingId: b.id })).filter((n) => n.type.startsWith('booking.reminder'))).toEqual([]);
  });

  it('reminds nobody when the job was made for another start time, or once the booking has started', async () => {
    const startsAt = berlin('2030-06-08', '10:00');
    const b = await bookingInState(t, m, 'confirmed', startsAt);
    await t.app.platform.queue.enqueue(t.db, 'notifications.reminder', { bookingId: b.id, kind: '1h', startsAt: berlin('2030-06-08', '11:00') });
    await t.drain();
    expect(await notices(t, { bookingId: b.id, type: 'booking.reminder_1h' })).toEqual([]);

    await startEarly(t, m.worker, b.id, b.startsAt);
    await runReminders(b.id, '1h');
    expect(await notices(t, { bookingId: b.id, type: 'booking.reminder_1h' })).toEqual([]);
  });
});
