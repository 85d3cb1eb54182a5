import { describe, expect, it } from 'vitest';
import * as db from '../src/db/live.js';
import {
  DEFAULT_CHANNELS,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_TYPES,
  WALK_EVENT_KINDS,
  haversineMeters,
  inQuietHours,
  locationUpdateSchema,
  notificationPreferencesSchema,
  trackBatchSchema,
  walkEventInputSchema,
} from '../src/index.js';

describe('quiet hours', () => {
  it('spans midnight when the start is after the end', () => {
    const night = { start: '22:00', end: '07:00' };
    expect(inQuietHours('23:30', night)).toBe(true);
    expect(inQuietHours('00:00', night)).toBe(true);
    expect(inQuietHours('06:59', night)).toBe(true);
    expect(inQuietHours('07:00', night)).toBe(false);
    expect(inQuietHours('21:59', night)).toBe(false);
    expect(inQuietHours('22:00', night)).toBe(true);
  });
  it('is a plain range within one day, and nothing when off or empty', () => {
    expect(inQuietHours('13:00', { start: '12:00', end: '14:00' })).toBe(true);
    expect(inQuietHours('14:00', { start: '12:00', end: '14:00' })).toBe(false);
    expect(inQuietHours('03:00', null)).toBe(false);
    expect(inQuietHours('03:00', { start: '08:00', end: '08:00' })).toBe(false);
  });
});

describe('haversineMeters', () => {
  it('measures known distances', () => {
    // One degree of latitude is about 111.2 km; Berlin Brandenburg Gate to Alexanderplatz about 2.3 km.
    expect(haversineMeters({ lng: 0, lat: 0 }, { lng: 0, lat: 1 })).toBeCloseTo(111_195, -1);
    const d = haversineMeters({ lng: 13.3777, lat: 52.5163 }, { lng: 13.4132, lat: 52.5219 });
    expect(d).toBeGreaterThan(2_300);
    expect(d).toBeLessThan(2_600);
    expect(haversineMeters({ lng: 10, lat: 50 }, { lng: 10, lat: 50 })).toBe(0);
  });
});

describe('location and walk-event schemas', () => {
  const point = { lng: 13.4, lat: 52.5, accuracyM: 8, recordedAt: '2026-11-22T10:00:00.000Z' };
  it('accepts a position and refuses out-of-range coordinates and accuracy', () => {
    expect(locationUpdateSchema.safeParse({ ...point, seq: 3 }).success).toBe(true);
    for (const bad of [{ lng: 180.01 }, { lat: -90.5 }, { accuracyM: -1 }, { recordedAt: 'yesterday' }, { seq: -1 }])
      expect(locationUpdateSchema.safeParse({ ...point, ...bad }).success, JSON.stringify(bad)).toBe(false);
  });
  it('needs a sequence number on every batched point and at most 500 of them', () => {
    expect(trackBatchSchema.safeParse({ points: [point] }).success).toBe(false);
    expect(trackBatchSchema.safeParse({ points: [{ ...point, seq: 0 }] }).success).toBe(true);
    expect(trackBatchSchema.safeParse({ points: Array.from({ length: 501 }, (_, seq) => ({ ...point, seq })) }).success).toBe(false);
  });
  it('asks a photo for its upload, a note for its text, and both coordinates or neither', () => {
    const at = point.recordedAt;
    expect(walkEventInputSchema.safeParse({ kind: 'pee', at }).success).toBe(true);
    expect(walkEventInputSchema.safeParse({ kind: 'photo', at }).success).toBe(false);
    expect(walkEventInputSchema.safeParse({ kind: 'note', at }).success).toBe(false);
    expect(walkEventInputSchema.safeParse({ kind: 'water', at, lng: 13.4 }).success).toBe(false);
  });
});

describe('notification preferences', () => {
  it('default to e-mail and push for everything, SMS only for what is urgent', () => {
    expect(Object.keys(DEFAULT_CHANNELS).sort()).toEqual([...NOTIFICATION_TYPES].sort());
    expect(DEFAULT_CHANNELS['booking.confirmed']).toEqual({ email: true, push: true, sms: false });
    expect(DEFAULT_CHANNELS['worker.on_the_way'].sms).toBe(true);
  });
  it('refuse an unknown type or a malformed time', () => {
    const base = { channels: {}, quietHours: null, timeZone: 'Europe/Berlin' };
    expect(notificationPreferencesSchema.safeParse(base).success).toBe(true);
    expect(notificationPreferencesSchema.safeParse({ ...base, channels: { 'booking.lost': { email: false } } }).success).toBe(false);
    expect(notificationPreferencesSchema.safeParse({ ...base, quietHours: { start: '24:00', end: '07:00' } }).success).toBe(false);
  });
});

describe('the lists repeated in the tables', () => {
  // The web app imports the shared module without drizzle, so the lists exist twice; keep them equal.
  it('match', () => {
    expect(db.WALK_EVENT_KIND_VALUES).toEqual(WALK_EVENT_KINDS);
    expect(db.NOTIFICATION_CHANNEL_VALUES).toEqual(NOTIFICATION_CHANNELS);
  });
});
