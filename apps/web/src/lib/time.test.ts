import { describe, expect, it } from 'vitest';
import { addDays, formatDay, formatDuration, formatTime, localDate, startOfWeek, todayIn, weekdayOf } from './time';

describe('booking times', () => {
  it('reads the local date of an instant in the business time zone, not the browser one', () => {
    // 23:30 UTC is already the next day in Berlin and still the same day in New York.
    expect(localDate('2025-03-10T23:30:00Z', 'Europe/Berlin')).toBe('2025-03-11');
    expect(localDate('2025-03-10T23:30:00Z', 'America/New_York')).toBe('2025-03-10');
    expect(todayIn('Asia/Tokyo', new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
  });

  it('shows clock times in the business time zone across a daylight-saving change', () => {
    expect(formatTime('2025-03-29T08:00:00Z', 'Europe/Berlin', 'en-GB')).toBe('09:00');
    expect(formatTime('2025-03-31T08:00:00Z', 'Europe/Berlin', 'en-GB')).toBe('10:00');
  });

  it('counts calendar days and weeks starting on Monday', () => {
    expect(addDays('2025-02-27', 2)).toBe('2025-03-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(weekdayOf('2025-11-23')).toBe(0);
    expect(startOfWeek('2025-11-23')).toBe('2025-11-17');
    expect(startOfWeek('2025-11-17')).toBe('2025-11-17');
  });

  it('formats days and durations for people', () => {
    expect(formatDay('2025-11-24', 'en-US')).toBe('Mon, Nov 24');
    expect(formatDuration(90)).toBe('1 h 30 min');
    expect(formatDuration(45)).toBe('45 min');
    expect(formatDuration(120)).toBe('2 h');
  });
});
