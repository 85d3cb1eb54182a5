/**
 * "Book again": a past booking's service with the same pets, worker and place, as a link to the booking
 * form (`/book/:serviceId?pets=…&worker=…&place=…`). The slot is always picked fresh; the form keeps
 * only what is still offered (stores/bookingFlow.ts `applyPrefill`).
 */
import type { Booking, Place } from '@walkydoggy/shared';
import type { RouteLocationRaw } from 'vue-router';

/** What the booking form can be prefilled with; `place` is a saved place's id or 'business'. */
export type BookingPrefill = { petIds: string[]; workerId: string; place: string };

/** About 10 m: a booking made at a saved place stores that place's point. */
const SAME_POINT = 0.0001;

/** The saved place a booking happened at (same point), or 'business', or '' when it was another place. */
export function placeOfBooking(booking: Pick<Booking, 'location'>, places: readonly Place[]): string {
  const l = booking.location;
  if (l.kind === 'business') return 'business';
  if (l.lat === null || l.lng === null || l.lat === undefined || l.lng === undefined) return '';
  const lat = l.lat;
  const lng = l.lng;
  const near = places.find((p) => Math.abs(p.location.lat - lat) < SAME_POINT && Math.abs(p.location.lng - lng) < SAME_POINT);
  return near?.id ?? '';
}

export function bookAgainLink(booking: Pick<Booking, 'service' | 'pets' | 'worker' | 'location'>, places: readonly Place[]): RouteLocationRaw {
  const query: Record<string, string> = {};
  if (booking.pets.length) query.pets = booking.pets.map((p) => p.id).join(',');
  if (booking.worker) query.worker = booking.worker.id;
  const place = placeOfBooking(booking, places);
  if (place) query.place = place;
  return { path: `/book/${booking.service.id}`, query };
}

const ID = /^[0-9a-f-]{36}$/i;
const one = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '');

/** Reads the prefill from a route query; anything malformed is dropped (the form then starts blank). */
export function prefillFromQuery(query: Record<string, unknown>): BookingPrefill {
  const petIds = one(query.pets)
    .split(',')
    .filter((id) => ID.test(id))
    .slice(0, 20);
  const workerId = ID.test(one(query.worker)) ? one(query.worker) : '';
  const place = one(query.place);
  return { petIds: [...new Set(petIds)], workerId, place: place === 'business' || ID.test(place) ? place : '' };
}
