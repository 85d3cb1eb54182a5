import type { OperatingHours } from '@walkydoggy/shared/db';
import { addDays, datesBetween, weekdayOf } from './local-time.js';

/*
 * Boarding and daycare are booked by date against the business's daily capacity (pets a day, both
 * services together). Plain data in, days out, like slots.ts.
 */

export type DayRules = { operatingHours: readonly OperatingHours[]; closedDates: readonly string[]; dailyCapacity: number };
/** An active day booking: it occupies the dates [startDate, endDate) with `petCount` pets. */
export type DayBooking = { startDate: string; endDate: string; petCount: number };
export type DayStatus = { date: string; open: boolean; remaining: number };

/**
 * Each date of [startDate, endDate): open when it is not a closed date and, for daycare, the business
 * has opening hours that weekday (boarding takes nights every day it is not closed); remaining is the
 * capacity less the pets of the bookings occupying it, never below 0 (when the capacity was lowered
 * after bookings were made).
 */
export function dayStatuses(rules: DayRules, unit: 'night' | 'day', startDate: string, endDate: string, bookings: readonly DayBooking[]): DayStatus[] {
  if (endDate <= startDate) return [];
  const closed = new Set(rules.closedDates);
  const openWeekdays = new Set(rules.operatingHours.map((h) => h.day));
  return datesBetween(startDate, addDays(endDate, -1)).map((date) => {
    const pets = bookings.reduce((n, b) => (b.startDate <= date && date < b.endDate ? n + b.petCount : n), 0);
    return {
      date,
      open: !closed.has(date) && (unit === 'night' || openWeekdays.has(weekdayOf(date))),
      remaining: Math.max(0, rules.dailyCapacity - pets),
    };
  });
}
