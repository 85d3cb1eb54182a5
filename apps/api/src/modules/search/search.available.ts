import type { AvailabilityQuery } from '@walkydoggy/shared';
import { AppError } from '../../platform/errors.js';
import type { AvailabilityService } from '../availability/availability.service.js';
import { firstInstantAt, MINUTE_MS, parseClock, wallOfDate, zoneOf } from '../availability/local-time.js';

export type AvailabilityWindow = { date: string; from: string; to: string; pets: number };

/**
 * Is this service bookable in the window? Asks the availability engine exactly what the booking
 * page asks (`forService` for that one local date, as an anonymous visitor), then keeps a slot that
 * starts at or after `from` and ends by `to` on the business's wall clock: on a DST day a time the
 * clocks skip means the first instant after it. A day service (boarding, daycare) needs that date
 * open with room for the pets.
 */
export async function bookableIn(availability: Pick<AvailabilityService, 'forService'>, serviceId: string, w: AvailabilityWindow): Promise<boolean> {
  const query: AvailabilityQuery = { from: w.date, to: w.date, pets: w.pets };
  let answer;
  try {
    answer = await availability.forService(null, serviceId, query);
  } catch (err) {
    // A service the engine will not answer for (hidden meanwhile, too many workers for one answer) is not bookable here.
    if (err instanceof AppError && err.statusCode < 500) return false;
    throw err;
  }
  if (answer.kind === 'day') return answer.days.some((d) => d.date === w.date && d.open && d.remaining >= w.pets);
  const zone = zoneOf(answer.timeZone);
  const day = wallOfDate(w.date);
  const start = firstInstantAt(zone, day + parseClock(w.from)! * MINUTE_MS);
  const end = firstInstantAt(zone, day + parseClock(w.to)! * MINUTE_MS);
  return answer.slots.some((s) => Date.parse(s.startsAt) >= start && Date.parse(s.endsAt) <= end);
}
