import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a Nominatim- or Photon-compatible server: answers the subset we call
 * (Nominatim `/search` and `/reverse` in `jsonv2`; Photon `/api` and `/reverse` in GeoJSON) from a
 * tiny fixed table, and records every request (path, query, User-Agent). `status` makes it fail.
 */
export type FakeGeocoderRequest = { path: string; query: URLSearchParams; userAgent: string | undefined };

const PLACES = [
  { name: 'Fulham', type: 'suburb', lat: 51.4802, lng: -0.1993, road: null, house: null, city: 'London', postcode: 'SW6', country: 'gb' },
  { name: 'London', type: 'city', lat: 51.5074, lng: -0.1278, road: null, house: null, city: 'London', postcode: null, country: 'gb' },
  { name: 'Fulham Road', type: 'road', lat: 51.4838, lng: -0.1866, road: 'Fulham Road', house: null, city: 'London', postcode: 'SW6', country: 'gb' },
  {
    name: '10 Downing Street',
    type: 'house',
    lat: 51.5034,
    lng: -0.1276,
    road: 'Downing Street',
    house: '10',
    city: 'London',
    postcode: 'SW1A 2AA',
    country: 'gb',
  },
];

export async function startFakeGeocoder() {
  const requests: FakeGeocoderRequest[] = [];
  const state = { status: 200, delayMs: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ path: url.pathname, query: url.searchParams, userAgent: req.headers['user-agent'] });
    const send = (body: unknown) =>
      setTimeout(() => {
        res.writeHead(state.status, { 'content-type': 'application/json' });
        res.end(state.status === 200 ? JSON.stringify(body) : '{"error":"down"}');
      }, state.delayMs);
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const found = PLACES.filter((p) => q && p.name.toLowerCase().includes(q)).slice(0, limit);
    const nearest = () => {
      const lat = Number(url.searchParams.get('lat'));
      const lng = Number(url.searchParams.get('lon'));
      return [...PLACES].sort((a, b) => Math.hypot(a.lat - lat, a.lng - lng) - Math.hypot(b.lat - lat, b.lng - lng))[0]!;
    };
    const nominatim = (p: (typeof PLACES)[number]) => ({
      place_id: 1,
      lat: String(p.lat),
      lon: String(p.lng),
      display_name: `${p.name}, ${p.city}, United Kingdom`,
      name: p.name,
      category: 'place',
      type: p.type,
      addresstype: p.type,
      address: {
        ...(p.house ? { house_number: p.house } : {}),
        ...(p.road ? { road: p.road } : {}),
        city: p.city,
        ...(p.postcode ? { postcode: p.postcode } : {}),
        country: 'United Kingdom',
        country_code: p.country,
      },
    });
    const photon = (p: (typeof PLACES)[number]) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
      properties: {
        name: p.name,
        type: p.type === 'road' ? 'street' : p.type === 'suburb' ? 'district' : p.type,
        ...(p.house ? { housenumber: p.house } : {}),
        ...(p.road ? { street: p.road } : {}),
        city: p.city,
        ...(p.postcode ? { postcode: p.postcode } : {}),
        country: 'United Kingdom',
        countrycode: p.country.toUpperCase(),
      },
    });
    if (url.pathname === '/search') return send(found.map(nominatim));
    if (url.pathname === '/reverse' && url.searchParams.get('format') === 'jsonv2') return send(nominatim(nearest()));
    if (url.pathname === '/api') return send({ type: 'FeatureCollection', features: found.map(photon) });
    if (url.pathname === '/reverse') return send({ type: 'FeatureCollection', features: [photon(nearest())] });
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type FakeGeocoder = Awaited<ReturnType<typeof startFakeGeocoder>>;
