import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('platform HTTP behaviour', () => {
  it('answers /healthz and /readyz with the database migrated', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', pendingMigrations: 0, database: t.database.kind });
  });

  it('reports not ready while migrations are pending', async () => {
    const original = t.database.pendingMigrations;
    t.database.pendingMigrations = async () => 2;
    try {
      const res = await t.app.inject('/readyz');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unavailable', pendingMigrations: 2 });
    } finally {
      t.database.pendingMigrations = original;
    }
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const res = await t.app.inject('/v1/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ success: false, error: { code: 'NOT_FOUND', message: 'No route for GET /v1/nothing-here.' } });
  });

  it('answers malformed JSON with a 400 envelope and no stack trace', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().success).toBe(false);
    expect(res.json().error.code).toBe('BAD_REQUEST');
    expect(res.body).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'text/xml' }, payload: '<a/>' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('hides internal errors behind a generic 500 envelope', async () => {
    const app = t.app;
    const user = await t.newUser({ role: 'admin' });
    const original = app.platform.settings.get;
    app.platform.settings.get = async () => {
      throw new Error('secret internal detail at /srv/app.ts:12');
    };
    try {
      const res = await app.inject({ method: 'GET', url: '/v1/admin/settings', headers: t.bearer(user.accessToken) });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ success: false, error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' } });
    } finally {
      app.platform.settings.get = original;
    }
  });

  it('echoes a safe incoming request id and makes one otherwise', async () => {
    const given = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and honours the CORS allow-list', async () => {
    const res = await t.app.inject({ url: '/healthz', headers: { origin: 'http://walkydoggy.test' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['access-control-allow-origin']).toBe('http://walkydoggy.test');
    const foreign = await t.app.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets the pages reach a map style served over plain http (a local tile server), and no other http origin', async () => {
    expect(cspOf(await t.app.inject({ url: '/healthz' }))).not.toContain('http://tiles.local');
    const local = await createTestApp({ env: { MAP_STYLE_URL: 'http://tiles.local:8080/styles/streets.json' }, sameDatabaseAs: t });
    try {
      const csp = cspOf(await local.app.inject({ url: '/healthz' }));
      expect(csp).toMatch(/connect-src [^;]*http:\/\/tiles\.local:8080/);
      expect(csp).toMatch(/img-src [^;]*http:\/\/tiles\.local:8080/);
      expect(csp).not.toMatch(/connect-src [^;]* http:(;| )/);
    } finally {
      await local.close();
    }
    function cspOf(r: { headers: Record<string, unknown> }): string {
      return String(r.headers['content-security-policy']);
    }
  });

  it('compresses large responses', async () => {
    const res = await t.app.inject({ url: '/docs/json', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
  });

  it('serves an OpenAPI 3 document built from the route schemas, and its UI', async () => {
    const doc = (await t.app.inject('/docs/json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/auth/register', '/v1/auth/login', '/v1/users/me', '/v1/auth/refresh-token']));
    expect(doc.paths['/v1/auth/register'].post.operationId).toBe('register');
    expect(doc.paths['/v1/auth/register'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('email');
    const ui = await t.app.inject('/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('exposes Prometheus metrics labelled by route pattern', async () => {
    await t.app.inject('/healthz');
    await t.app.inject('/v1/nothing-here');
    const metrics = (await t.app.inject('/metrics')).body;
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/healthz",status_code="200"\} \d+/);
    expect(metrics).toContain('http_request_duration_seconds_bucket');
    expect(metrics).not.toContain('/v1/nothing-here');
  });
});
