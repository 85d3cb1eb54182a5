import { describe, expect, it } from 'vitest';
import { builtInStyle, shouldFallBack, type StyleState } from './map-style';

const remote = (over: Partial<StyleState> = {}): StyleState => ({
  remote: true,
  styleLoaded: false,
  tileLoaded: false,
  styleSources: new Set(['openmaptiles']),
  ...over,
});

describe('falling back to the built-in map style', () => {
  it('falls back when the configured style itself cannot be loaded', () => {
    expect(shouldFallBack(remote(), { kind: 'error' })).toBe(true);
  });

  it('falls back when the style loaded but its tiles fail before any has drawn (offline, blocked)', () => {
    expect(shouldFallBack(remote({ styleLoaded: true }), { kind: 'error', sourceId: 'openmaptiles' })).toBe(true);
    // A sprite or glyph failure carries no source; with no tile drawn yet, the street map is not working.
    expect(shouldFallBack(remote({ styleLoaded: true }), { kind: 'error' })).toBe(true);
  });

  it('keeps the street map when one tile fails after others have drawn', () => {
    expect(shouldFallBack(remote({ styleLoaded: true, tileLoaded: true }), { kind: 'error', sourceId: 'openmaptiles' })).toBe(false);
    expect(shouldFallBack(remote({ styleLoaded: true, tileLoaded: true }), { kind: 'error' })).toBe(false);
  });

  it('never blames the style for the page’s own layers', () => {
    expect(shouldFallBack(remote({ styleLoaded: true }), { kind: 'error', sourceId: 'walk-route' })).toBe(false);
  });

  it('gives up on a style that has drawn nothing when the time is up, and only then', () => {
    expect(shouldFallBack(remote(), { kind: 'timeout' })).toBe(true);
    expect(shouldFallBack(remote({ styleLoaded: true }), { kind: 'timeout' })).toBe(true);
    expect(shouldFallBack(remote({ styleLoaded: true, tileLoaded: true }), { kind: 'timeout' })).toBe(false);
  });

  it('does nothing on the built-in style (none configured, or already fallen back)', () => {
    expect(shouldFallBack(remote({ remote: false }), { kind: 'error' })).toBe(false);
    expect(shouldFallBack(remote({ remote: false }), { kind: 'timeout' })).toBe(false);
  });

  it('the built-in style needs no network: no tiles, glyphs or sprites', () => {
    const style = builtInStyle();
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    for (const source of Object.values(style.sources)) expect(source.type).toBe('geojson');
  });
});
