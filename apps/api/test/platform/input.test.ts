import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVAILABILITY_MAX_DAYS, EARLIEST_DATE, LATEST_DATE, MAX_BOOKING_LIST_DAYS, MAX_EARNINGS_DAYS, MAX_INPUT_DEPTH } from '@walkydoggy/shared';
import { createTestApp, type TestApp } from '../support/app.js';
import { berlin, bookingBody, bookingCounts, call, NOW, world, type Marketplace } from '../bookings/helpers.js';

/*
 * The input rules that hold for every route (platform/validation.ts, platform/http-errors.ts,
 * platform/db-errors.ts), through HTTP: each refusal is a 4xx in the envelope and writes nothing.
 */

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  m = await world(t);
});
afterAll(() => t.close());

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const expectEnvelope = (res: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, code?: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as { success: boolean; error: { code: string; message: string } };
  expect(body.success).toBe(false);
  expect(typeof body.error.message).toBe('string');
  if (code) expect(body.error.code).toBe(code);
  return body.error as { code: string; message: string; details?: { path: string; message: string; code?: string }[] };
};

describe('text in any field', () => {
  it('refuses NUL, other control characters and lone surrogates in a body, naming the field; nothing is written', async () => {
    const before = await bookingCounts(t);
    for (const name of ['Bis\u0000cuit', 'esc\u001b', 'del\u007f']) {
      const res = await call(t, m.petOwner, 'POST', '/v1/pets', { name, species: 'dog' });
      expect(expectEnvelope(res, 400, 'VALIDATION_ERROR').details).toEqual([
        { path: 'body.name', message: 'Remove the control characters from this text.', code: 'invalid_text' },
      ]);
    }
    // JSON.stringify writes a lone surrogate as an escape; the parser turns it back into one.
    const surrogate = await t.app.inject({
      method: 'POST',
      url: '/v1/pets',
      headers: { ...t.bearer(m.petOwner.accessToken), 'content-type': 'application/json' },
      payload: '{"name":"Bis\\ud800cuit","species":"dog"}',
    });
    expect(expectEnvelope(surrogate, 400).details?.[0]).toMatchObject({ path: 'body.name', message: 'This text is not valid Unicode.' });
    // Deep inside a nested field too (a medication's name), and in the body of an admin action.
    const nested = await call(t, m.petOwner, 'POST', '/v1/pets', {
      name: 'Rex',
      species: 'dog',
      medications: [{ name: 'Pill\u0000', dose: '1', schedule: 'daily' }],
    });
    expect(expectEnvelope(nested, 400).details?.[0]?.path).toBe('body.medications.0.name');
    const note = await call(t, m.admin, 'PUT', `/v1/admin/businesses/${m.businessId}/verification`, { status: 'verified', note: 'ok\u0000' });
    expect(expectEnvelope(note, 400).details?.[0]?.path).toBe('body.note');
    expect(await bookingCounts(t)).toEqual(before);
  });
  it('refuses them in the query string and in path parameters', async () => {
    const query = await call(t, m.petOwner, 'GET', `/v1/bookings?number=${encodeURIComponent('WD-\u0000')}`);
    expect(expectEnvelope(query, 400).details?.[0]).toMatchObject({ path: 'querystring.number', code: 'invalid_text' });
    const path = await t.app.inject({ method: 'GET', url: '/v1/calendars/abc%00def.ics' });
    expect(expectEnvelope(path, 400).details?.[0]).toMatchObject({ path: 'params.file', code: 'invalid_text' });
    const invitation = await t.app.inject({ method: 'GET', url: '/v1/worker-invitations/%ED%A0%80' });
    expect([400, 404]).toContain(invitation.statusCode);
    expectEnvelope(invitation, invitation.statusCode);
  });
  it('refuses a field the body does not have, and nesting deeper than the limit', async () => {
    const extra = await call(t, m.petOwner, 'POST', '/v1/pets', { name: 'Rex', species: 'dog', isAdmin: true, behavior: { friendlyWithDogs: true, x: 1 } });
    expect(expectEnvelope(extra, 400).details).toEqual(
      expect.arrayContaining([{ path: 'body.isAdmin', message: 'Unknown field.', code: 'unrecognized_keys' }]),
    );
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_INPUT_DEPTH + 5; i++) deep = { a: deep };
    const nested = await call(t, m.petOwner, 'POST', '/v1/pets', { name: 'Rex', species: 'dog', behavior: deep });
    expect(expectEnvelope(nested, 400).details?.[0]?.code).toBe('too_deep');
  });
});

describe('dates', () => {
  it('accepts the first and last date of the range and refuses year 0 and year 10000 with a 400, not a database error', async () => {
    const ok = await call(t, m.petOwner, 'POST', '/v1/pets', { name: 'Old timer', species: 'dog', birthDate: EARLIEST_DATE });
    expect(ok.statusCode, ok.body).toBe(201);
    for (const birthDate of [addDays(EARLIEST_DATE, -1), '0000-01-01', '9999-12-31', '10000-01-01'])
      expect(expectEnvelope(await call(t, m.petOwner, 'POST', '/v1/pets', { name: 'Rex', species: 'dog', birthDate }), 400).details?.[0]?.path).toBe(
        'body.birthDate',
      );
    const farBooking = await call(t, m.petOwner, 'POST', '/v1/bookings', bookingBody(m, { startsAt: '9999-12-31T10:00:00Z' }));
    expect(expectEnvelope(farBooking, 400).details?.[0]?.path).toBe('body.startsAt');
    const lastDay = await call(t, null, 'GET', `/v1/services/${m.serviceId}/availability?from=${LATEST_DATE}&to=${LATEST_DATE}`);
    expect(lastDay.statusCode, lastDay.body).toBe(200);
  });
  it("answers the probe's availability request (year 9999) at once with a 400", async () => {
    const res = await call(t, null, 'GET', `/v1/services/${m.serviceId}/availability?from=9999-12-30&to=9999-12-31&pets=1`);
    expect(expectEnvelope(res, 400).details?.map((d) => d.path)).toEqual(['querystring.from', 'querystring.to']);
  });
  it('bounds each date range: the largest accepted range is refused one day further', async () => {
    const from = '2030-06-04';
    const ranges: [string, number][] = [
      [`/v1/services/${m.serviceId}/availability`, AVAILABILITY_MAX_DAYS],
      ['/v1/bookings', MAX_BOOKING_LIST_DAYS],
      [`/v1/businesses/${m.businessId}/earnings`, MAX_EARNINGS_DAYS],
    ];
    for (const [url, days] of ranges) {
      const who = url.includes('earnings') ? m.owner : m.petOwner;
      const widest = await call(t, who, 'GET', `${url}?from=${from}&to=${addDays(from, days - 1)}`);
      expect(widest.statusCode, `${url} ${widest.body}`).toBe(200);
      const beyond = await call(t, who, 'GET', `${url}?from=${from}&to=${addDays(from, days)}`);
      expect(expectEnvelope(beyond, 400).details?.[0]).toMatchObject({ path: 'querystring.to', message: `Ask for at most ${days} days at once.` });
    }
    // Earnings with only `from`: the period runs to today, and is bounded just the same.
    const open = await call(t, m.owner, 'GET', `/v1/businesses/${m.businessId}/earnings?from=${EARLIEST_DATE}`);
    expectEnvelope(open, 400);
  });
});

describe('ids that point nowhere, and constraint violations', () => {
  it('a nil or unknown worker id in a booking series is a 4xx that writes nothing', async () => {
    const before = await bookingCounts(t);
    for (const workerId of ['00000000-0000-0000-0000-000000000000', '6f1c1d2e-8a5b-4c3d-9e7f-0a1b2c3d4e5f']) {
      const res = await call(t, m.petOwner, 'POST', '/v1/booking-series', {
        ...bookingBody(m, { startsAt: berlin('2030-06-05', '10:00'), workerId }),
        rule: { byDay: [3], count: 2 },
      });
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, res.body).toBeLessThan(500);
      expectEnvelope(res, res.statusCode);
    }
    expect(await bookingCounts(t)).toEqual(before);
  });
});

describe('errors before a route runs are in the envelope', () => {
  it('an over-long path parameter (414), a malformed address (400), an unknown route (404)', async () => {
    expectEnvelope(await t.app.inject({ method: 'GET', url: `/v1/pets/${'a'.repeat(5000)}` }), 414, 'URI_TOO_LONG');
    expectEnvelope(await t.app.inject({ method: 'GET', url: '/v1/pets/%zz' }), 400, 'BAD_REQUEST');
    expectEnvelope(await t.app.inject({ method: 'GET', url: '/v1/nothing-here' }), 404, 'NOT_FOUND');
  });
  it('bodies: not JSON, empty, the wrong type, too large', async () => {
    const post = (payload: string, contentType = 'application/json') =>
      t.app.inject({ method: 'POST', url: '/v1/pets', headers: { ...t.bearer(m.petOwner.accessToken), 'content-type': contentType }, payload });
    expectEnvelope(await post('{"name": '), 400);
    expectEnvelope(await post(''), 400);
    expectEnvelope(await post('name=Rex', 'text/plain'), 400);
    expectEnvelope(await post('<pet/>', 'application/xml'), 415);
    expectEnvelope(await post(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })), 413);
  });
  it('uploads: multipart without a boundary, or cut short, is a 400', async () => {
    const upload = (payload: string, contentType: string) =>
      t.app.inject({ method: 'POST', url: '/v1/media', headers: { ...t.bearer(m.petOwner.accessToken), 'content-type': contentType }, payload });
    expectEnvelope(await upload('--x\r\nContent-Disposition: form-data; name="purpose"\r\n\r\npet_photo\r\n--x--', 'multipart/form-data'), 400);
    const cut =
      '--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\npet_photo\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff';
    const res = await upload(cut, 'multipart/form-data; boundary=b');
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expectEnvelope(res, res.statusCode);
  });
  it('a request the HTTP parser cannot read gets the envelope on the wire', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as net.AddressInfo).port;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ success: false, error: { code: 'BAD_REQUEST' } });
  });
});

describe('/metrics', () => {
  it('counts event-loop stalls', async () => {
    const end = performance.now() + 120;
    while (performance.now() < end); // a 120 ms stall
    await new Promise((resolve) => setTimeout(resolve, 40));
    const body = (await t.app.inject('/metrics')).body;
    const count = Number(/^nodejs_eventloop_stall_seconds_count (\d+)/m.exec(body)?.[1]);
    expect(count).toBeGreaterThanOrEqual(1);
    expect(body).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
  });
  it('needs the bearer token when one is configured, and is off in production without one', async () => {
    const token = 'metrics-token-0123456789';
    const guarded = await createTestApp({ env: { METRICS_TOKEN: token }, sameDatabaseAs: t });
    try {
      expectEnvelope(await guarded.app.inject('/metrics'), 401);
      expectEnvelope(await guarded.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } }), 401);
      const ok = await guarded.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toMatch(/^# TYPE http_requests_total counter/m);
    } finally {
      await guarded.close();
    }
    const production = await createTestApp({ env: { APP_ENV: 'production' }, sameDatabaseAs: t });
    try {
      expectEnvelope(await production.app.inject('/metrics'), 404);
    } finally {
      await production.close();
    }
  });
});
