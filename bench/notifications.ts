/**
 * Notification drain (`npm run bench -- notifications`): MESSAGES pending e-mail deliveries, made by the
 * notifier's own code (`notify`, as a booking request makes them, in chunks), are sent by the API's job
 * workers in a child process to a local SMTP server in this process (smtp-server), which counts every
 * message by recipient: one recipient per delivery, so a duplicate or a missing message shows. The
 * clock runs from the first message the server receives to the last.
 *
 * The ceiling, in the same run: a bare nodemailer loop in a child process (the API's own pooled SMTP
 * transport, the same connections, JOB_CONCURRENCY sends in flight) sending as many equivalent mails
 * (the same template) to the same server. It runs first and last; the higher of the two is the ceiling.
 * Then the API drains with one instance, and with two instances on the same database (another
 * MESSAGES deliveries). Goal: at least half the ceiling, every message exactly once.
 *
 * The notifier also makes each person's in-app delivery; those are marked sent and their jobs removed
 * before the drain, so that only e-mail is measured (the ceiling sends nothing else either).
 * BENCH_NOTIFY_MESSAGES (10,000), BENCH_NOTIFY_CONCURRENCY (JOB_CONCURRENCY, 20), BENCH_NOTIFY_BATCH
 * (JOB_BATCH_SIZE, 20), BENCH_NOTIFY_SMTP_CONNECTIONS (SMTP_MAX_CONNECTIONS, 5); BENCH_PG_URL and
 * BENCH_CPU_PROF (a folder for the API children's CPU profiles) as for the other benchmarks.
 */
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { machine, scratchDatabase } from './support.js';
import { chunks } from './seed-support.js';

const self = fileURLToPath(import.meta.url);
const MESSAGES = Number(process.env.BENCH_NOTIFY_MESSAGES ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_NOTIFY_CONCURRENCY ?? 20);
const BATCH = Number(process.env.BENCH_NOTIFY_BATCH ?? 20);
const SMTP_CONNECTIONS = Number(process.env.BENCH_NOTIFY_SMTP_CONNECTIONS ?? 5);
const TIMEOUT_MS = 15 * 60_000;

/** The mail every delivery sends (the notifier's default template), so the ceiling sends the same. */
const mailOf = (firstName: string) => ({
  template: 'notification' as const,
  firstName,
  title: 'New booking request',
  message: 'Rex, Tuesday 14:00–15:00, Dog walk (60 min). Please answer within 24 hours.',
  link: 'https://walkydoggy.example/bookings/00000000-0000-4000-8000-000000000001',
});

function apiEnv(databaseUrl: string, smtpPort: number) {
  return {
    APP_ENV: 'development',
    DATABASE_URL: databaseUrl,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    JOB_WORKERS: 'true',
    JOB_CONCURRENCY: String(CONCURRENCY),
    JOB_BATCH_SIZE: String(BATCH),
    SMTP_MAX_CONNECTIONS: String(SMTP_CONNECTIONS),
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    DATA_DIR: path.join(os.tmpdir(), 'wd-bench-notify'),
    PUBLIC_URL: 'https://walkydoggy.example',
  };
}

// ───────────────────────── the SMTP server ─────────────────────────

/** Counts what arrives, by recipient, and when the first and the last message came. */
function countingServer() {
  let received = new Map<string, number>();
  let first = 0;
  let last = 0;
  let total = 0;
  let waiting: { count: number; resolve: () => void } | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        const now = performance.now();
        if (!first) first = now;
        last = now;
        total++;
        for (const to of session.envelope.rcptTo) received.set(to.address, (received.get(to.address) ?? 0) + 1);
        if (waiting && received.size >= waiting.count) waiting.resolve();
        callback();
      });
    },
  });
  return {
    server,
    reset() {
      received = new Map();
      first = last = total = 0;
    },
    /** Resolves once `count` different recipients got a message. */
    until(count: number) {
      return new Promise<void>((resolve, reject) => {
        if (received.size >= count) return resolve();
        const timer = setTimeout(() => reject(new Error(`only ${received.size} of ${count} recipients got mail`)), TIMEOUT_MS);
        waiting = {
          count,
          resolve: () => {
            clearTimeout(timer);
            waiting = null;
            resolve();
          },
        };
      });
    },
    result(expected: string[]) {
      const seconds = (last - first) / 1000;
      const duplicates = [...received.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
      const missing = expected.filter((to) => !received.has(to)).length;
      return { total, seconds, perSecond: total / seconds, duplicates, missing };
    },
  };
}

// ───────────────────────── children ─────────────────────────

function child(role: 'api' | 'ceiling', env: Record<string, string>): Promise<ChildProcess> {
  const profile = role === 'api' && process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const proc = fork(self, [], { env: { ...process.env, ...env, WD_NOTIFY_CHILD: role }, execArgv: ['--import', 'tsx', ...profile], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    proc.once('message', () => resolve(proc));
    proc.once('exit', (code) => reject(new Error(`${role} child exited with ${code}`)));
  });
}

async function stopChild(proc: ChildProcess) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

async function serveApi() {
  const { loadConfig } = await import('../apps/api/src/platform/config.js');
  const { buildApp } = await import('../apps/api/src/app.js');
  const app = await buildApp(loadConfig(process.env));
  await app.ready();
  process.send!({ ready: true });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

/** The bare loop: the API's transport, JOB_CONCURRENCY sends in flight, nothing else. */
async function sendCeiling() {
  const { loadConfig } = await import('../apps/api/src/platform/config.js');
  const { smtpTransport } = await import('../apps/api/src/platform/mail.js');
  const { renderMail } = await import('../apps/api/src/platform/mail-templates.js');
  const config = loadConfig(process.env);
  const transport = smtpTransport(config.mail);
  const tag = process.env.WD_NOTIFY_TAG!;
  process.send!({ ready: true });
  let next = 0;
  const sender = async () => {
    while (next < MESSAGES) {
      const i = next++;
      await transport.sendMail({ from: config.mail.from, to: `ceiling-${i}-${tag}@bench.walkydoggy.test`, ...renderMail(mailOf(`Owner${i}`)) });
    }
  };
  await Promise.all(Array.from({ length: config.jobs.concurrency }, sender));
  transport.close();
  process.on('SIGTERM', () => process.exit(0));
}

// ───────────────────────── the run ─────────────────────────

async function main() {
  const { postgresDatabase } = await import('../apps/api/src/platform/db.js');
  const { createQueue } = await import('../apps/api/src/platform/queue.js');
  const { createNotifier } = await import('../apps/api/src/platform/notifier.js');
  const { systemClock } = await import('../apps/api/src/platform/clock.js');
  const { loadConfig } = await import('../apps/api/src/platform/config.js');
  const { users } = await import('@walkydoggy/shared/db');
  const { sql } = await import('drizzle-orm');

  const scratch = await scratchDatabase();
  const smtp = countingServer();
  await new Promise<void>((resolve) => smtp.server.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.server.address() as { port: number }).port;
  const env = apiEnv(scratch.url, smtpPort);
  const database = postgresDatabase(scratch.url, 4);
  const queue = createQueue(database, pino({ level: 'warn' }) as never);
  try {
    await database.migrate();
    await queue.start({ workers: false });
    const notifier = createNotifier({ queue, clock: systemClock, config: loadConfig(env) });

    /** MESSAGES people, each with one booking-request notification: their e-mail deliveries wait. */
    async function seed(tag: string): Promise<string[]> {
      const started = performance.now();
      const people = Array.from({ length: MESSAGES }, (_, i) => ({
        email: `owner-${i}-${tag}@bench.walkydoggy.test`,
        firstName: `Owner${i}`,
        lastName: 'Bench',
        role: 'business' as const,
        emailVerifiedAt: new Date(),
      }));
      const ids: string[] = [];
      for (const part of chunks(people)) ids.push(...(await database.db.insert(users).values(part).returning({ id: users.id })).map((r) => r.id));
      for (const part of chunks(ids, 500))
        await database.db.transaction((tx) =>
          notifier.notify(
            tx,
            part.map((userId, i) => ({
              userId,
              type: 'booking.requested' as const,
              title: 'New booking request',
              message: mailOf('').message,
              data: { link: '/bookings/00000000-0000-4000-8000-000000000001' },
              mail: mailOf(`Owner${i}`),
            })),
          ),
        );
      // Only e-mail is measured: the in-app deliveries count as done.
      await database.db.execute(sql`delete from pgboss.job where name = 'notifications.deliver.in_app'`);
      await database.db.execute(sql`update notification_deliveries set status = 'sent', sent_at = now() where channel = 'in_app' and status = 'pending'`);
      await database.db.execute(sql`analyze`);
      console.error(`seeded ${MESSAGES} e-mail deliveries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return people.map((p) => p.email);
    }

    const pendingEmail = async () =>
      Number(
        (
          (await database.db.execute(sql`select count(*)::int as n from notification_deliveries where channel = 'email' and status <> 'sent'`)) as unknown as {
            rows: { n: number }[];
          }
        ).rows[0]!.n,
      );

    async function ceiling() {
      smtp.reset();
      const tag = crypto.randomBytes(3).toString('hex');
      const expected = Array.from({ length: MESSAGES }, (_, i) => `ceiling-${i}-${tag}@bench.walkydoggy.test`);
      const proc = await child('ceiling', { ...env, WD_NOTIFY_TAG: tag });
      await smtp.until(MESSAGES);
      await stopChild(proc);
      return smtp.result(expected);
    }

    async function drain(instances: number) {
      const expected = await seed(crypto.randomBytes(3).toString('hex'));
      smtp.reset();
      const procs = await Promise.all(Array.from({ length: instances }, () => child('api', env)));
      await smtp.until(MESSAGES);
      const result = smtp.result(expected);
      // Every delivery marked sent; a moment more for any duplicate still on its way.
      for (let i = 0; i < 200 && (await pendingEmail()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1000));
      const unsent = await pendingEmail();
      await Promise.all(procs.map(stopChild));
      return { ...smtp.result(expected), seconds: result.seconds, perSecond: result.perSecond, unsent };
    }

    const before = await ceiling();
    const one = await drain(1);
    const two = await drain(2);
    const after = await ceiling();
    const best = Math.max(before.perSecond, after.perSecond);

    const row = (name: string, r: { total: number; seconds: number; perSecond: number; duplicates: number; missing: number; unsent?: number }) =>
      `| ${name} | ${r.total} | ${r.seconds.toFixed(1)} s | ${Math.round(r.perSecond)} | ${(r.perSecond / best).toFixed(2)}× | ${r.duplicates} | ${r.missing} | ${r.unsent ?? '–'} |`;
    console.log(
      [
        `Notification drain: ${MESSAGES} e-mails to a local SMTP server; JOB_CONCURRENCY=${CONCURRENCY}, JOB_BATCH_SIZE=${BATCH}, SMTP_MAX_CONNECTIONS=${SMTP_CONNECTIONS}; ${machine()}; load ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
        '',
        '| run | messages received | first → last | messages/s | of ceiling | duplicates | missing | deliveries not marked sent |',
        '|---|---|---|---|---|---|---|---|',
        row('ceiling: bare nodemailer loop (before)', before),
        row('API job workers, 1 instance', one),
        row('API job workers, 2 instances', two),
        row('ceiling: bare nodemailer loop (after)', after),
      ].join('\n'),
    );
    const ok = [one, two].every((r) => r.perSecond >= best / 2 && r.duplicates === 0 && r.missing === 0 && r.unsent === 0);
    console.log(`\nGoal (≥ 0.5× the ceiling, every message exactly once): ${ok ? 'met' : 'NOT met'}`);
  } finally {
    await queue.stop(2000);
    await database.close();
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
    await scratch.drop();
  }
}

const role = process.env.WD_NOTIFY_CHILD;
if (role === 'api') await serveApi();
else if (role === 'ceiling') await sendCeiling();
else await main();
