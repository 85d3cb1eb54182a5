import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpGeocoder, type HttpGeocoderOptions } from '../../src/platform/geocoder/http.js';
import { AppError } from '../../src/platform/errors.js';
import { startFakeGeocoder, type FakeGeocoder } from '../support/fake-geocoder.js';

let fake: FakeGeocoder;
beforeAll(async () => {
  fake = await startFakeGeocoder();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.state.status = 200;
  fake.state.delayMs = 0;
});

const options = (over: Partial<HttpGeocoderOptions> = {}): HttpGeocoderOptions => ({
  flavour: 'nominatim',
  url: fake.url,
  userAgent: 'WalkyDoggy-test/1.0 (ops@walkydoggy.test)',
  ratePerSecond: 100,
  timeoutMs: 2000,
  cacheSize: 100,
  cacheTtlSeconds: 60,
  ...over,
});

describe('Nominatim adapter against the local fake', () => {
  it('forward: maps jsonv2 results to places, sends the configured User-Agent and asks for address details', async () => {
    const geo = createHttpGeocoder(options());
    const places = await geo.forward('Fulham', { limit: 5, near: { lat: 51.5, lng: -0.12 }, lang: 'en' });
    expect(places[0]).toEqual({
      label: 'Fulham, London, United Kingdom',
      name: 'Fulham',
      kind: 'district',
      lat: 51.4802,
      lng: -0.1993,
      address: { street: null, city: 'London', postalCode: 'SW6', country: 'GB' },
    });
    expect(places.map((p) => p.kind)).toEqual(['district', 'street']);
    const [req] = fake.requests;
    expect(req!.path).toBe('/search');
    expect(req!.userAgent).toBe('WalkyDoggy-test/1.0 (ops@walkydoggy.test)');
    expect(req!.query.get('format')).toBe('jsonv2');
    expect(req!.query.get('accept-language')).toBe('en');
    expect(req!.query.get('viewbox')).toBe('-0.62,52,0.38,51');
  });

  it('reverse: names the point; a house number makes it an address', async () => {
    const geo = createHttpGeocoder(options());
    const place = await geo.reverse(51.50341, -0.12761);
    expect(place).toMatchObject({ kind: 'address', name: '10 Downing Street', address: { street: '10 Downing Street', postalCode: 'SW1A 2AA' } });
    expect(fake.requests[0]!.path).toBe('/reverse');
    expect(fake.requests[0]!.userAgent).toContain('WalkyDoggy-test');
  });

  it('a cached answer makes no second request', async () => {
    const geo = createHttpGeocoder(options());
    const first = await geo.forward('London', { limit: 3 });
    const second = await geo.forward('London', { limit: 3 });
    expect(second).toEqual(first);
    expect(fake.requests).toHaveLength(1);
    // Another query is another request.
    await geo.forward('Fulham', { limit: 3 });
    expect(fake.requests).toHaveLength(2);
  });

  it('a cached answer expires after its time to live', async () => {
    let now = 1_000_000;
    const geo = createHttpGeocoder(options({ cacheTtlSeconds: 10, now: () => now }));
    await geo.forward('London', { limit: 3 });
    now += 11_000;
    await geo.forward('London', { limit: 3 });
    expect(fake.requests).toHaveLength(2);
  });

  it('calls the provider at most ratePerSecond times a second', async () => {
    const geo = createHttpGeocoder(options({ ratePerSecond: 4 }));
    const started = Date.now();
    await Promise.all(['Fulham', 'London', 'Fulham Road'].map((q) => geo.forward(q, { limit: 1 })));
    // Three calls at 4 a second: the third starts 500 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(480);
    expect(fake.requests).toHaveLength(3);
  });

  it('refuses at once (503) a call that would wait longer than the timeout for its turn', async () => {
    const geo = createHttpGeocoder(options({ ratePerSecond: 0.5, timeoutMs: 500 }));
    await geo.forward('London', { limit: 1 });
    const started = Date.now();
    const refused = await geo.forward('Fulham', { limit: 1 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).statusCode).toBe(503);
    expect(Date.now() - started).toBeLessThan(200);
    expect(fake.requests).toHaveLength(1);
  });

  it('provider down, failing or too slow → 503, and nothing is cached', async () => {
    fake.state.status = 500;
    const geo = createHttpGeocoder(options({ timeoutMs: 300 }));
    await expect(geo.forward('London', { limit: 1 })).rejects.toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    fake.state.status = 200;
    fake.state.delayMs = 1000;
    await expect(geo.forward('London', { limit: 1 })).rejects.toMatchObject({ statusCode: 503 });
    fake.state.delayMs = 0;
    expect(await geo.forward('London', { limit: 1 })).toHaveLength(1);
    const closed = createHttpGeocoder(options({ url: 'http://127.0.0.1:9' }));
    await expect(closed.reverse(51.5, -0.1)).rejects.toMatchObject({ statusCode: 503 });
  });
});

describe('Photon adapter against the local fake', () => {
  it('forward and reverse map GeoJSON features, with the bias point and the User-Agent', async () => {
    const geo = createHttpGeocoder(options({ flavour: 'photon' }));
    const places = await geo.forward('Fulham', { limit: 5, near: { lat: 51.5, lng: -0.12 } });
    expect(places[0]).toMatchObject({ name: 'Fulham', kind: 'district', lat: 51.4802, lng: -0.1993, address: { city: 'London', country: 'GB' } });
    expect(places[1]).toMatchObject({ name: 'Fulham Road', kind: 'street' });
    expect(fake.requests[0]!.path).toBe('/api');
    expect(fake.requests[0]!.query.get('lat')).toBe('51.5');
    expect(fake.requests[0]!.userAgent).toContain('WalkyDoggy-test');
    const back = await geo.reverse(51.4803, -0.1992);
    expect(back).toMatchObject({ name: 'Fulham', kind: 'district' });
  });
});
