import type { JobMap } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { BookingMails } from './bookings.mails.js';
import * as q from './bookings.queries.js';

/*
 * The reminders before a confirmed booking (`notifications.reminder`, enqueued at confirmation with
 * their `startAfter`). A job cannot be taken back when the booking changes, so the job itself checks
 * that the reminder still holds when it runs.
 */

type Deps = Pick<Platform, 'db' | 'queue' | 'clock'>;

/**
 * Reminds the owner and the assigned worker of booking `bookingId` if it is still confirmed, still
 * starts at the time the job was made for, and has not started yet. Returns whether it reminded.
 */
export async function remind(d: Pick<Deps, 'db' | 'clock'>, mails: BookingMails, job: JobMap['notifications.reminder']): Promise<boolean> {
  return d.db.transaction(async (tx) => {
    const row = await q.findBooking(tx, job.bookingId, null);
    if (!row || row.status !== 'confirmed') return false;
    if (row.startsAt.getTime() !== Date.parse(job.startsAt)) return false;
    // A reminder held up past the start (a queue outage) would only be noise.
    if (row.startsAt.getTime() <= d.clock.now().getTime()) return false;
    await mails.reminder(tx, row, job.kind);
    return true;
  });
}

/** Handles `notifications.reminder` (the notification's dedupe key makes a second run remind nobody twice). */
export function registerReminders(p: Deps, mails: BookingMails) {
  p.queue.handle('notifications.reminder', async (job) => {
    await remind(p, mails, job);
  });
}
