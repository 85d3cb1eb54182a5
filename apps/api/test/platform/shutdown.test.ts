import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('graceful shutdown', () => {
  it('finishes in-flight requests before closing, and refuses new connections', async () => {
    // Close only once the slow request is really being handled: a fixed pause is not enough on a busy machine.
    let started!: () => void;
    const handling = new Promise<void>((resolve) => (started = resolve));
    const server = await createTestApp({
      sameDatabaseAs: t,
      routes: (app) =>
        app.get('/v1/test/slow', async () => {
          started();
          await new Promise((r) => setTimeout(r, 400));
          return { success: true, data: 'finished' };
        }),
    });
    const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const inFlight = fetch(`${address}/v1/test/slow`).then(async (res) => ({ status: res.status, body: await res.json() }));
    await handling;
    const closed = server.app.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${address}/healthz`)).rejects.toThrow();
    expect(await inFlight).toEqual({ status: 200, body: { success: true, data: 'finished' } });
    await closed;
  });
});
