import net from 'node:net';
import { inArray, sql } from 'drizzle-orm';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationDeliveries, notifications, users } from '@walkydoggy/shared/db';
import { buildApp } from '../../src/app.js';
import { rowsOf, type Database } from '../../src/platform/db.js';
import { createMailer } from '../../src/platform/mail.js';
import { createQueue } from '../../src/platform/queue.js';
import { testDatabase } from '../support/database.js';
import { testConfig } from '../support/app.js';
import { basic } from './helpers.js';

/**
 * Deliveries are worked many at a time (JOB_CONCURRENCY jobs of a queue per instance, fetched
 * JOB_BATCH_SIZE at a time, each job settled on its own), over a pooled SMTP transport
 * (SMTP_MAX_CONNECTIONS), in one queue per channel so that a mail server that hangs holds back
 * nothing but the e-mail.
 */
let database: Database;
let release: () => Promise<void>;
beforeAll(async () => {
  ({ database, release } = await testDatabase());
}, 120_000);
afterAll(() => release());

const silent = pino({ level: 'silent' }) as never;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => Promise<boolean> | boolean, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await sleep(50);
  }
}

/**
 * Holds whatever arrives until `width` things are in flight at once (then lets them all go), so the
 * largest number in flight says how many the sender runs at once. The guard only keeps a sender that
 * runs fewer from waiting forever.
 */
function gate(width: number, guardMs = 5_000) {
  let inFlight = 0;
  let held: (() => void)[] = [];
  const state = { max: 0 };
  return {
    state,
    async pass() {
      inFlight++;
      state.max = Math.max(state.max, inFlight);
      await new Promise<void>((resolve) => {
        held.push(resolve);
        if (inFlight >= width) {
          for (const go of held) go();
          held = [];
        } else setTimeout(resolve, guardMs);
      });
      inFlight--;
    },
  };
}

async function people(n: number, prefix: string) {
  return database.db
    .insert(users)
    .values(Array.from({ length: n }, (_, i) => ({ email: `${prefix}-${i}@example.com`, firstName: `P${i}`, lastName: 'Drain', role: 'pet_owner' as const })))
    .returning({ id: users.id, email: users.email });
}

async function deliveriesTo(ids: string[]) {
  return database.db
    .select({
      channel: notificationDeliveries.channel,
      status: notificationDeliveries.status,
      attempts: notificationDeliveries.attempts,
      userId: notifications.userId,
    })
    .from(notificationDeliveries)
    .innerJoin(notifications, sql`${notifications.id} = ${notificationDeliveries.notificationId}`)
    .where(inArray(notifications.userId, ids));
}

describe('queue workers', () => {
  it('run JOB_CONCURRENCY jobs of a queue at once, no more, and settle each job of a batch on its own', async () => {
    // Batches of 4 from two workers would be 8: the concurrency of 6 is the bound.
    const queue = createQueue(database, silent, { concurrency: 6, batchSize: 4 });
    const g = gate(6);
    const runs = new Map<string, number>();
    queue.handle('notifications.deliver.push', async ({ deliveryId }) => {
      runs.set(deliveryId, (runs.get(deliveryId) ?? 0) + 1);
      await g.pass();
      if (deliveryId === 'job-7') throw new Error('this one fails');
    });
    await queue.start({ workers: true });
    try {
      const ids = Array.from({ length: 30 }, (_, i) => `job-${i}`);
      await queue.enqueueMany(
        database.db,
        'notifications.deliver.push',
        ids.map((deliveryId) => ({ deliveryId })),
        { retryLimit: 0 },
      );
      const states = async () =>
        rowsOf<{ id: string; state: string }>(
          await database.db.execute(sql`select data->>'deliveryId' as id, state from pgboss.job where name = 'notifications.deliver.push' order by 1`),
        );
      await until('every job settled', async () => (await states()).every((j) => j.state === 'completed' || j.state === 'failed'));
      expect(g.state.max).toBe(6);
      expect(Object.fromEntries(runs)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
      const settled = await states();
      expect(settled.filter((j) => j.state === 'failed').map((j) => j.id)).toEqual(['job-7']);
      expect(settled.filter((j) => j.state === 'completed')).toHaveLength(29);
    } finally {
      await queue.stop(5_000);
    }
  }, 60_000);
});

describe('e-mail deliveries', () => {
  it('go out several at once over the SMTP pool, each exactly once', async () => {
    const g = gate(3);
    const received = new Map<string, number>();
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          void g.pass().then(() => {
            const to = session.envelope.rcptTo[0]!.address;
            received.set(to, (received.get(to) ?? 0) + 1);
            callback();
          });
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    const config = testConfig({ JOB_WORKERS: 'true', JOB_CONCURRENCY: '6', SMTP_MAX_CONNECTIONS: '3', SMTP_URL: `smtp://127.0.0.1:${port}` });
    const app = await buildApp(config, { database, redis: null });
    try {
      const to = await people(12, 'pool');
      await database.db.transaction((tx) =>
        app.platform.notifier.notify(
          tx,
          to.map((p) => basic(p.id)),
        ),
      );
      const ids = to.map((p) => p.id);
      await until('every delivery sent', async () => (await deliveriesTo(ids)).every((d) => d.status === 'sent'));
      // Three connections, each carrying one message at a time: three in flight, not one, not four.
      expect(g.state.max).toBe(3);
      expect(Object.fromEntries(received)).toEqual(Object.fromEntries(to.map((p) => [p.email, 1])));
      expect(await deliveriesTo(ids)).toHaveLength(24);
    } finally {
      await app.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  }, 60_000);

  it('that hang on a silent mail server hold back neither in-app nor other deliveries', async () => {
    // Accepts connections and never says a word.
    const sockets = new Set<net.Socket>();
    let closing = false;
    const hung = net.createServer((socket) => {
      if (closing) return socket.destroy();
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const port = (hung.address() as net.AddressInfo).port;
    const config = testConfig({
      JOB_WORKERS: 'true',
      JOB_CONCURRENCY: '2',
      JOB_BATCH_SIZE: '2',
      SMTP_MAX_CONNECTIONS: '2',
      SMTP_TIMEOUT_MS: '600000',
      SMTP_URL: `smtp://127.0.0.1:${port}`,
    });
    const app = await buildApp(config, { database, redis: null });
    try {
      // Enough e-mail to take every e-mail worker: both are now waiting on the silent server.
      const first = await people(4, 'hung-first');
      await database.db.transaction((tx) =>
        app.platform.notifier.notify(
          tx,
          first.map((p) => basic(p.id)),
        ),
      );
      await until('both SMTP connections open', () => sockets.size === 2);
      const later = await people(3, 'hung-later');
      await database.db.transaction((tx) =>
        app.platform.notifier.notify(
          tx,
          later.map((p) => basic(p.id)),
        ),
      );
      const all = [...first, ...later].map((p) => p.id);
      await until('every in-app delivery sent', async () => (await deliveriesTo(all)).filter((d) => d.channel === 'in_app').every((d) => d.status === 'sent'));
      const rows = await deliveriesTo(all);
      expect(rows.filter((d) => d.channel === 'in_app')).toHaveLength(7);
      // The e-mails are all still waiting: the in-app ones did not need them to finish.
      expect(rows.filter((d) => d.channel === 'email').map((d) => [d.status, d.attempts])).toEqual(Array.from({ length: 7 }, () => ['pending', 0]));
    } finally {
      // Refuse the reconnections of the pool while the app shuts down.
      closing = true;
      for (const socket of sockets) socket.destroy();
      await app.close();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
    }
  }, 60_000);

  it('fail after SMTP_TIMEOUT_MS when the server never answers, to be retried, instead of holding a worker', async () => {
    const hung = net.createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const port = (hung.address() as net.AddressInfo).port;
    const mailer = createMailer(testConfig({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_TIMEOUT_MS: '1000' }), silent);
    try {
      await expect(mailer.send({ to: 'x@example.com', subject: 'S', text: 't', html: '<p>t</p>' })).rejects.toThrow(/greeting|timeout/i);
    } finally {
      mailer.close();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
    }
  }, 30_000);
});
