import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationDeliveries, notifications, users } from '@walkydoggy/shared/db';
import { apiRoot } from '../../src/platform/paths.js';
import type { Database } from '../../src/platform/db.js';
import { testDatabase } from '../support/database.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { basic } from './helpers.js';

/**
 * A notification's e-mail survives the death of the process sending it, and goes out exactly once:
 * the real server runs the delivery jobs (several at once, over its SMTP pool) against a slow SMTP
 * server, is killed with SIGKILL while messages wait for the server's answer, and is started again.
 * pg-boss takes the killed jobs for dead after JOB_EXPIRE_SECONDS and retries them; the mails
 * already accepted are not sent again.
 */
const N = 8;
/**
 * The server answers the messages that arrive before this one (1-based); this one and every later
 * one it holds without an answer until the sender's connection closes. The process is killed once
 * the answered ones are marked sent, so no message is answered and unmarked when it dies (the one
 * window for a duplicate that no sender can close).
 */
const KILL_AT = 3;
const HOLD_MS = 300;

let database: Database;
let release: () => Promise<void>;
let t: TestApp;
let smtp: SMTPServer;
let smtpPort: number;
let dataDir: string;
let child: ChildProcess | null = null;
let output = '';
/** Messages the SMTP server accepted (answered 250 on an open connection), by recipient. */
const accepted = new Map<string, number>();
let dataArrivals = 0;
let onArrival: (n: number) => void = () => {};
/** While true, messages from KILL_AT on are held until their connection closes. */
let holding = true;

function startServer() {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: apiRoot,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: database.url!,
      HOST: '127.0.0.1',
      PORT: '0',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      JOB_EXPIRE_SECONDS: '2',
      SEED_DEMO: 'false',
      APP_ENV: 'test',
      JWT_SECRET: 'crash-test-secret-crash-test-secret-0123456789',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (c) => (output += c));
  proc.stderr!.on('data', (c) => (output += c));
  return proc;
}

function exited(proc: ChildProcess) {
  return new Promise<void>((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve())));
}

beforeAll(async () => {
  ({ database, release } = await testDatabase());
  // The notifier's side, on the same database: jobs made with the expiry the servers use.
  t = await createTestApp({ sameDatabaseAs: { database }, env: { JOB_EXPIRE_SECONDS: '2' } });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-crash-'));
  const closed = new Set<string>();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onClose(session) {
      closed.add(session.id);
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        const n = ++dataArrivals;
        onArrival(n);
        if (holding && n >= KILL_AT) {
          // Never answered: the sender dies waiting. The connection's close refuses the message.
          const refuse = setInterval(() => {
            if (!closed.has(session.id)) return;
            clearInterval(refuse);
            callback(new Error('connection gone'));
          }, 50);
          return;
        }
        // A slow server: the answer comes HOLD_MS later, and counts only if the sender is still there to read it.
        setTimeout(() => {
          if (closed.has(session.id)) return callback(new Error('connection gone'));
          const to = session.envelope.rcptTo[0]!.address;
          accepted.set(to, (accepted.get(to) ?? 0) + 1);
          callback();
        }, HOLD_MS);
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
  await t?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await release?.();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a server killed while sending', () => {
  it('sends every notification e-mail exactly once after a restart', async () => {
    const people = await t.db
      .insert(users)
      .values(Array.from({ length: N }, (_, i) => ({ email: `crash-${i}@example.com`, firstName: `P${i}`, lastName: 'Crash', role: 'pet_owner' as const })))
      .returning({ id: users.id, email: users.email });
    await t.db.transaction((tx) =>
      t.app.platform.notifier.notify(
        tx,
        people.map((p, i) => basic(p.id, { title: `Notification ${i}` })),
      ),
    );

    const ids = (
      await t.db
        .select({ id: notifications.id })
        .from(notifications)
        .where(
          inArray(
            notifications.userId,
            people.map((p) => p.id),
          ),
        )
    ).map((r) => r.id);
    const deliveries = () => t.db.select().from(notificationDeliveries).where(inArray(notificationDeliveries.notificationId, ids));
    const sentMails = async () => (await deliveries()).filter((d) => d.channel === 'email' && d.status === 'sent').length;

    const held = new Promise<void>((resolve) => {
      onArrival = (n) => {
        if (n === KILL_AT) resolve();
      };
    });
    child = startServer();
    await Promise.race([held, new Promise((_, reject) => setTimeout(() => reject(new Error(`no mail arrived; server output:\n${output}`)), 60_000))]);
    // The messages answered before the held one are marked sent before the process dies.
    for (let i = 0; i < 600 && (await sentMails()) < KILL_AT - 1; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await exited(child);
    onArrival = () => {};
    holding = false;
    // The messages held when the server died were not accepted; the ones before them were, once.
    expect([...accepted.values()].reduce((a, b) => a + b, 0)).toBe(KILL_AT - 1);
    expect(await sentMails()).toBe(KILL_AT - 1);

    child = startServer();
    const until = Date.now() + 150_000;
    while (Date.now() < until) {
      const rows = await deliveries();
      if (rows.length === 2 * N && rows.every((d) => d.status === 'sent')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const rows = await deliveries();
    expect(rows.filter((d) => d.status !== 'sent').map((d) => `${d.channel} ${d.status} ${d.lastError}`)).toEqual([]);
    expect(Object.fromEntries(accepted)).toEqual(Object.fromEntries(people.map((p) => [p.email, 1])));
    expect(output).not.toMatch(/"level":(50|60)/);
  }, 240_000);
});
