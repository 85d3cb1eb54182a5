/** People-facing words for the catalog's enum values, and the calendar helpers forms need. */
import type { CancellationPolicy, ServiceType } from '../api/businesses';

export const SERVICE_TYPE_LABELS: Record<ServiceType, string> = {
  walking: 'Dog walking',
  boarding: 'Boarding',
  daycare: 'Daycare',
  grooming: 'Grooming',
  training: 'Training',
  sitting: 'Pet sitting',
  drop_in: 'Drop-in visits',
};

export const SPECIES_LABELS = { dog: 'Dog', cat: 'Cat', other: 'Other' } as const;

export const CANCELLATION_LABELS: Record<CancellationPolicy, string> = {
  flexible: 'Flexible',
  moderate: 'Moderate',
  strict: 'Strict',
};

/** 0 = Sunday, like the API and `Date.getDay()`; shown Monday first. */
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every IANA zone the browser knows, with the given one first if it is missing from the list. */
export function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
  return zones.includes(current) ? zones : [current, ...zones];
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value.length === 10 ? `${value}T00:00:00` : value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "4.7 ★ · 12 reviews", or "No reviews yet": a rating is never shown without the reviews it comes from. */
export function formatRatingWithCount(rating: number | null | undefined, reviewCount: number): string {
  if (rating === null || rating === undefined || reviewCount <= 0) return 'No reviews yet';
  return `${rating.toFixed(1)} ★ · ${reviewCount} ${reviewCount === 1 ? 'review' : 'reviews'}`;
}

export function formatRating(rating: number | null | undefined): string {
  return rating === null || rating === undefined ? 'No reviews yet' : `${rating.toFixed(1)} ★`;
}
