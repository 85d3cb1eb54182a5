import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import { users } from '@walkydoggy/shared/db';
import type { Role } from '@walkydoggy/shared';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { manualClock } from '../../src/platform/clock.js';
import { testDatabase } from './database.js';
import type { Database } from '../../src/platform/db.js';

export type CapturedMail = { to: string; subject: string; text: string; attachments?: { filename: string; content: string }[] };

/** Mail leaves the process through this transport; tests read what would have been sent. */
function captureTransport(outbox: CapturedMail[]) {
  return nodemailer.createTransport({
    name: 'capture',
    version: '1',
    send(mail, callback) {
      const d = mail.data;
      const attachments = d.attachments?.map((a) => ({ filename: String(a.filename), content: String(a.content) }));
      outbox.push({ to: String(d.to), subject: String(d.subject), text: String(d.text), ...(attachments?.length ? { attachments } : {}) });
      callback(null, { envelope: mail.message.getEnvelope(), messageId: `<${outbox.length}@test>` } as never);
    },
  });
}

export function testConfig(env: Record<string, string> = {}): Config {
  const config = loadConfig({
    APP_ENV: 'test',
    DATA_DIR: path.join(os.tmpdir(), 'walkydoggy-test'),
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    RATE_LIMIT_MAX: '100000',
    AUTH_RATE_LIMIT_MAX: '100000',
    JOB_WORKERS: 'false',
    PUBLIC_URL: 'http://walkydoggy.test',
    ...env,
  });
  // The cheapest argon2id settings: the hash is still real, the suite just does not pay 7 ms a hash.
  return { ...config, passwordHashing: { memoryCost: 1024, timeCost: 1 } };
}

export const STRONG_PASSWORD = 'correct horse battery staple';
type RegisterInput = Partial<{ email: string; password: string; firstName: string; lastName: string; role: 'pet_owner' | 'business' }>;

/** Builds the app exactly as production does, on this file's database, with captured mail and a movable clock. */
export async function createTestApp(
  opts: {
    env?: Record<string, string>;
    redis?: Redis | null;
    routes?: (app: FastifyInstance) => void;
    sameDatabaseAs?: { database: Database };
    /** PostgreSQL pool size of this file's database (default 5). */
    poolMax?: number;
    /**
     * The client address of `register` and `login` (default 127.0.0.1): an instance with low rate limits
     * on the shared test Redis gives its own, so that other test files' sign-ups do not use up its counts.
     */
    clientAddress?: string;
  } = {},
) {
  // A second app on the same database (another API instance, another configuration) must not
  // empty the tables under the first one.
  const { database, release } = opts.sameDatabaseAs
    ? { database: opts.sameDatabaseAs.database, release: async () => {} }
    : await testDatabase({ ...(opts.poolMax ? { poolMax: opts.poolMax } : {}) });
  const outbox: CapturedMail[] = [];
  const clock = manualClock();
  const app = await buildApp(testConfig(opts.env), { database, mailTransport: captureTransport(outbox), clock, redis: opts.redis ?? null });
  opts.routes?.(app);
  await app.ready();

  const clientAddress = opts.clientAddress ? { remoteAddress: opts.clientAddress } : {};
  const ctx = {
    app,
    db: database.db,
    database,
    clock,
    outbox,
    /** Runs queued jobs (mail, erasure) now, as the workers would. */
    drain: () => app.platform.queue.drain(),
    async close() {
      await app.close();
      await release();
    },
    /** The link in the newest mail to `to` whose path is `pathname`, with its token. */
    async linkFor(to: string, pathname: string) {
      await ctx.drain();
      const mail = [...outbox].reverse().find((m) => m.to.toLowerCase() === to.toLowerCase() && m.text.includes(pathname));
      if (!mail) throw new Error(`No mail to ${to} with a ${pathname} link; outbox: ${outbox.map((m) => `${m.to}: ${m.subject}`).join(' | ')}`);
      const url = new URL(mail.text.match(/https?:\/\/\S+/g)!.find((u) => u.includes(pathname))!);
      return { url, token: url.searchParams.get('token')! };
    },
    async register(overrides: RegisterInput = {}) {
      const body = {
        email: `user-${Math.random().toString(36).slice(2, 10)}@example.com`,
        password: STRONG_PASSWORD,
        firstName: 'Robin',
        lastName: 'Walker',
        role: 'pet_owner' as const,
        ...overrides,
      };
      const res = await app.inject({ method: 'POST', url: '/v1/auth/register', payload: body, ...clientAddress });
      if (res.statusCode !== 202) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
      const user = await database.db.query.users.findFirst({ where: eq(users.email, body.email) });
      return { ...body, id: user!.id };
    },
    /** A registered, verified account (optionally with another role), signed in. */
    async newUser(overrides: Omit<RegisterInput, 'role'> & { role?: Role; verified?: boolean } = {}) {
      const { role = 'pet_owner', verified = true, ...rest } = overrides;
      const account = await ctx.register({ ...rest, role: role === 'business' ? 'business' : 'pet_owner' });
      await database.db
        .update(users)
        .set({ role, emailVerifiedAt: verified ? clock.now() : null })
        .where(eq(users.id, account.id));
      const session = await ctx.login(account.email, account.password);
      return { ...account, role, ...session };
    },
    async login(email: string, password: string): Promise<{ accessToken: string; refreshCookie: string; response: LightMyRequestResponse }> {
      const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, ...clientAddress });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      const body = res.json();
      return { accessToken: body.data.accessToken as string, refreshCookie: refreshCookieOf(res)!, response: res };
    },
    bearer: (token: string) => ({ authorization: `Bearer ${token}` }),
  };
  return ctx;
}
export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export function refreshCookieOf(res: LightMyRequestResponse): string | undefined {
  return res.cookies.find((c) => c.name === 'wd_refresh')?.value;
}

/** Every row count of the tables a request could write to, to prove that a refused request wrote nothing. */
type RowCounts = {
  users: number;
  email_tokens: number;
  refresh_tokens: number;
  recovery_codes: number;
  audit_log: number;
  platform_settings: number;
  jobs: number;
};
export async function rowCounts(app: FastifyInstance): Promise<RowCounts> {
  const result = await app.platform.db.execute(
    (await import('drizzle-orm')).sql`select
      (select count(*) from users)::int as users, (select count(*) from email_tokens)::int as email_tokens,
      (select count(*) from refresh_tokens)::int as refresh_tokens, (select count(*) from recovery_codes)::int as recovery_codes,
      (select count(*) from audit_log)::int as audit_log, (select count(*) from platform_settings)::int as platform_settings,
      (select count(*) from pgboss.job)::int as jobs`,
  );
  return (result as unknown as { rows: RowCounts[] }).rows[0]!;
}
