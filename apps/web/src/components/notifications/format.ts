/** Small helpers shared by the bell, the toast and the notifications page. */
import type { NotificationView } from '@walkydoggy/shared';

/** The in-app path a notification opens (`data.link`), or null; only same-app paths are followed. */
export function linkOf(notification: NotificationView): string | null {
  const link = notification.data.link;
  return typeof link === 'string' && link.startsWith('/') && !link.startsWith('//') ? link : null;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "5 minutes ago", "yesterday", "just now". */
export function timeAgo(instant: string, now: Date = new Date(), locale?: string): string {
  const seconds = Math.round((new Date(instant).getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  return 'just now';
}

/** What the badge says; beyond 99 the exact number stops mattering. */
export function badgeText(count: number): string {
  return count > 99 ? '99+' : String(count);
}
