import http from 'node:http';
import nodemailer from 'nodemailer';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '@walkydoggy/shared/db';
import { buildApp } from '../../src/app.js';
import { manualClock } from '../../src/platform/clock.js';
import type { Database } from '../../src/platform/db.js';
import { testDatabase } from '../support/database.js';
import { createTestApp, testConfig } from '../support/app.js';
import { basic, deliveriesOf, jobOf, notificationsOf, notify } from './helpers.js';

/**
 * A failed send is recorded and retried by pg-boss until it goes through: an SMTP server refusing the
 * first message, Twilio answering 500 once. Each job of the app is run by draining the queue, as the
 * workers would, until the retry (after pg-boss's backoff) has run.
 */

/** Drains until `done` holds (a retry waits for its backoff), ignoring the failures on the way. */
async function drainUntil(drain: () => Promise<number>, done: () => Promise<boolean>, ms = 20_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await drain().catch(() => 0);
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('not done in time');
}

describe('e-mail', () => {
  let release: () => Promise<void>;
  const sent: { to: string; subject: string }[] = [];
  let attempts = 0;
  /** Refuses the first message as a busy SMTP server would, accepts the rest. */
  const flaky = nodemailer.createTransport({
    name: 'flaky',
    version: '1',
    send(mail, callback) {
      attempts++;
      if (attempts === 1) return callback(new Error('421 4.3.2 Service not available, try again later'), undefined as never);
      sent.push({ to: String(mail.data.to), subject: String(mail.data.subject) });
      callback(null, { envelope: mail.message.getEnvelope(), messageId: `<${attempts}@test>` } as never);
    },
  });
  let app: Awaited<ReturnType<typeof buildApp>>;
  let db: Database['db'];
  beforeAll(async () => {
    const { database: d, release: r } = await testDatabase();
    release = r;
    db = d.db;
    app = await buildApp(testConfig(), { database: d, mailTransport: flaky, clock: manualClock(), redis: null });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await release();
  });

  it('records the SMTP failure, and the retry sends the mail once', async () => {
    const [user] = await db
      .insert(users)
      .values({ email: 'retry@example.com', passwordHash: 'x', firstName: 'Ria', lastName: 'Retry', role: 'pet_owner' })
      .returning();
    const t = { app, db };
    await notify(t, basic(user!.id, { title: 'Retry me' }));
    const [n] = await notificationsOf(t, user!.id);
    const email = async () => (await deliveriesOf(t, n!.id)).find((d) => d.channel === 'email')!;

    await expect(app.platform.queue.drain()).rejects.toThrow('Service not available');
    expect(await email()).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('421 4.3.2') });
    expect(sent).toEqual([]);
    expect((await jobOf(t, (await email()).id))!.state).toBe('retry');

    await drainUntil(
      () => app.platform.queue.drain(),
      async () => (await email()).status === 'sent',
    );
    expect(sent).toEqual([{ to: 'retry@example.com', subject: 'Retry me' }]);
    expect(await email()).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('SMS through Twilio', () => {
  const SID = `AC${'a'.repeat(32)}`;
  let calls = 0;
  const bodies: string[] = [];
  let server: http.Server;
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls++;
        res.setHeader('content-type', 'application/json');
        if (calls === 1) {
          res.statusCode = 503;
          return res.end(JSON.stringify({ code: 20503, message: 'Service Unavailable', status: 503 }));
        }
        bodies.push(new URLSearchParams(body).get('Body')!);
        res.statusCode = 201;
        res.end(JSON.stringify({ sid: `SM${'1'.repeat(32)}`, status: 'queued' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    t = await createTestApp({ env: { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'token-token', TWILIO_FROM: '+15005550006', TWILIO_API_URL: apiUrl } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('retries after a Twilio error and keeps the message sid', async () => {
    const user = await t.newUser();
    await t.db.update(users).set({ phone: '+4915112345678' }).where(eq(users.id, user.id));
    await notify(t, basic(user.id, { type: 'worker.on_the_way', title: 'Sam is on the way', message: 'Soon there.', data: {} }));
    const [n] = await notificationsOf(t, user.id);
    const sms = async () => (await deliveriesOf(t, n!.id)).find((d) => d.channel === 'sms')!;
    await drainUntil(t.drain, async () => (await sms()).status === 'sent');
    expect(await sms()).toMatchObject({ status: 'sent', attempts: 2, providerId: `SM${'1'.repeat(32)}` });
    expect(bodies).toEqual(['Sam is on the way: Soon there.']);
  });
});
