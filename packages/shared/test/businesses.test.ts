import { describe, expect, it } from 'vitest';
import { businessTimeZoneSchema, operatingHoursSchema, serviceAreaSchema } from '../src/businesses.js';
import { calendarDateSchema } from '../src/input.js';

const ring = (points: [number, number][]) => ({ type: 'Polygon', coordinates: [points] });

describe('serviceAreaSchema', () => {
  it('accepts a closed polygon and a MultiPolygon', () => {
    const square = ring([
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ]);
    expect(serviceAreaSchema.safeParse(square).success).toBe(true);
    expect(serviceAreaSchema.safeParse({ type: 'MultiPolygon', coordinates: [square.coordinates] }).success).toBe(true);
  });

  it('accepts a ring across the antimeridian', () => {
    expect(
      serviceAreaSchema.safeParse(
        ring([
          [179.5, 0],
          [-179.5, 0],
          [-179.5, 1],
          [179.5, 1],
          [179.5, 0],
        ]),
      ).success,
    ).toBe(true);
  });

  it.each([
    [
      'an open ring',
      ring([
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ]),
    ],
    [
      'too few positions',
      ring([
        [0, 0],
        [1, 0],
        [0, 0],
      ]),
    ],
    [
      'latitude 95',
      ring([
        [0, 0],
        [1, 0],
        [1, 95],
        [0, 0],
      ]),
    ],
    [
      'longitude 181',
      ring([
        [0, 0],
        [181, 0],
        [1, 1],
        [0, 0],
      ]),
    ],
    ['a Point', { type: 'Point', coordinates: [0, 0] }],
    ['1001 vertices', ring([...Array.from({ length: 1000 }, (_, i) => [Math.cos(i / 160), Math.sin(i / 160)] as [number, number]), [1, 0]])],
  ])('refuses %s', (_label, area) => {
    expect(serviceAreaSchema.safeParse(area).success).toBe(false);
  });
});

describe('business fields', () => {
  it('time zones are IANA names the runtime knows', () => {
    expect(businessTimeZoneSchema.safeParse('Europe/Berlin').success).toBe(true);
    expect(businessTimeZoneSchema.safeParse('UTC').success).toBe(true);
    expect(businessTimeZoneSchema.safeParse('Europe/Atlantis').success).toBe(false);
  });

  it('operating hours open before they close and do not overlap on one day', () => {
    expect(operatingHoursSchema.safeParse([{ day: 0, open: '09:00', close: '17:00' }]).success).toBe(true);
    expect(operatingHoursSchema.safeParse([{ day: 0, open: '17:00', close: '09:00' }]).success).toBe(false);
    expect(operatingHoursSchema.safeParse([{ day: 0, open: '09:00', close: '09:00' }]).success).toBe(false);
    expect(
      operatingHoursSchema.safeParse([
        { day: 0, open: '09:00', close: '12:00' },
        { day: 0, open: '11:00', close: '14:00' },
      ]).success,
    ).toBe(false);
    expect(
      operatingHoursSchema.safeParse([
        { day: 0, open: '09:00', close: '12:00' },
        { day: 1, open: '11:00', close: '14:00' },
      ]).success,
    ).toBe(true);
  });

  it('dates must exist', () => {
    expect(calendarDateSchema.safeParse('2024-02-29').success).toBe(true);
    expect(calendarDateSchema.safeParse('2025-02-29').success).toBe(false);
  });
});
