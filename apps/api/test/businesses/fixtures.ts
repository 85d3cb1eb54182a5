import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { businesses, media } from '@walkydoggy/shared/db';
import { expect } from 'vitest';
import { rowsOf } from '../../src/platform/db.js';
import { STRONG_PASSWORD, type TestApp } from '../support/app.js';

/** Factories for the catalog tests: businesses, workers and media built the way the API builds them. */

export type Caller = { accessToken: string; id: string };
export type Actors = Awaited<ReturnType<typeof actorsFor>>;

const round = (x: number) => Math.round(x * 1e6) / 1e6;
export const square = (lng: number, lat: number, d = 0.05) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [round(lng - d), round(lat - d)],
      [round(lng + d), round(lat - d)],
      [round(lng + d), round(lat + d)],
      [round(lng - d), round(lat + d)],
      [round(lng - d), round(lat - d)],
    ],
  ],
});

export const businessBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Happy Paws Berlin',
  description: 'Walks and day care in Mitte.',
  type: 'company',
  contact: { email: 'hello@happypaws.example', phone: '+49 30 1234567', website: 'https://happypaws.example' },
  address: { street: 'Invalidenstraße 1', city: 'Berlin', region: 'Berlin', postalCode: '10115', country: 'DE' },
  location: { lat: 52.53, lng: 13.38 },
  timeZone: 'Europe/Berlin',
  serviceArea: square(13.38, 52.53),
  operatingHours: [
    { day: 1, open: '08:00', close: '18:00' },
    { day: 2, open: '08:00', close: '18:00' },
  ],
  closedDates: ['2025-12-25'],
  ...overrides,
});

/** A media row as the media module would have stored it after an upload. */
export async function newMedia(t: TestApp, ownerId: string, purpose: (typeof media.$inferInsert)['purpose']): Promise<string> {
  const id = crypto.randomUUID();
  const document = purpose === 'business_document' || purpose === 'vaccination_document';
  await t.db.insert(media).values({
    id,
    ownerId,
    purpose,
    kind: document ? 'document' : 'image',
    mimeType: document ? 'application/pdf' : 'image/webp',
    sizeBytes: 1234,
    storageKey: `test/${id}`,
    thumbnailKey: document ? null : `test/${id}-thumb`,
    width: document ? null : 800,
    height: document ? null : 600,
    sha256: crypto.randomBytes(32).toString('hex'),
  });
  return id;
}

export async function newBusiness(
  t: TestApp,
  owner: Caller,
  opts: { status?: 'pending' | 'verified' | 'suspended'; body?: Record<string, unknown> } = {},
): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/businesses', headers: t.bearer(owner.accessToken), payload: businessBody(opts.body) });
  if (res.statusCode !== 201) throw new Error(`create business failed: ${res.statusCode} ${res.body}`);
  const id = res.json().data.id as string;
  if (opts.status && opts.status !== 'pending') await t.db.update(businesses).set({ verificationStatus: opts.status }).where(eq(businesses.id, id));
  return id;
}

let seq = 0;
/** Invites a new person to the business and accepts with a new worker account. */
export async function newWorker(t: TestApp, businessId: string, owner: Caller) {
  const email = `worker-${++seq}-${crypto.randomBytes(3).toString('hex')}@example.com`;
  const invite = await t.app.inject({ method: 'POST', url: `/v1/businesses/${businessId}/workers`, headers: t.bearer(owner.accessToken), payload: { email } });
  if (invite.statusCode !== 201) throw new Error(`invite failed: ${invite.statusCode} ${invite.body}`);
  const { token } = await t.linkFor(email, '/invitations/worker');
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/worker-invitations/accept',
    payload: { token, firstName: 'Wendy', lastName: 'Walker', password: STRONG_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`accept failed: ${res.statusCode} ${res.body}`);
  const session = res.json().data;
  const worker = rowsOf<{ id: string }>(await t.db.execute(sql`select id from workers where user_id = ${session.user.id} and status = 'active'`))[0]!;
  return { id: session.user.id as string, accessToken: session.accessToken as string, email, workerId: worker.id, response: res };
}

/**
 * The seven callers of every permission matrix: the business's owner, another business, a worker of
 * the business, a worker of another business, a pet owner, an admin and no one.
 */
export async function actorsFor(t: TestApp, opts: { status?: 'pending' | 'verified' | 'suspended' } = {}) {
  const owner = await t.newUser({ role: 'business' });
  const otherOwner = await t.newUser({ role: 'business' });
  const businessId = await newBusiness(t, owner, { status: opts.status ?? 'verified' });
  const otherBusinessId = await newBusiness(t, otherOwner, { status: 'verified' });
  const worker = await newWorker(t, businessId, owner);
  const otherWorker = await newWorker(t, otherBusinessId, otherOwner);
  const petOwner = await t.newUser({ role: 'pet_owner' });
  const admin = await t.newUser({ role: 'admin' });
  return { owner, otherOwner, businessId, otherBusinessId, worker, otherWorker, petOwner, admin };
}

export type Who = 'owner' | 'otherBusiness' | 'worker' | 'otherWorker' | 'petOwner' | 'admin' | 'anonymous';
// The owner goes last, so that a successful change does not alter what the others are answered.
export const WHO: Who[] = ['otherBusiness', 'worker', 'otherWorker', 'petOwner', 'admin', 'anonymous', 'owner'];

export function headersOf(t: TestApp, a: Actors, who: Who): Record<string, string> {
  const token = {
    owner: a.owner,
    otherBusiness: a.otherOwner,
    worker: a.worker,
    otherWorker: a.otherWorker,
    petOwner: a.petOwner,
    admin: a.admin,
    anonymous: null,
  }[who]?.accessToken;
  return token ? t.bearer(token) : {};
}

/** Calls the route as each caller and compares the status codes with the expected ones in one assertion. */
export async function expectMatrix(
  t: TestApp,
  a: Actors,
  expected: Record<Who, number>,
  request: (
    who: Who,
  ) =>
    | { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: unknown }
    | Promise<{ method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: unknown }>,
) {
  const actual = {} as Record<Who, number>;
  for (const who of WHO) {
    const r = await request(who);
    const res = await t.app.inject({
      method: r.method,
      url: r.url,
      headers: headersOf(t, a, who),
      ...(r.payload !== undefined ? { payload: r.payload as object } : {}),
    });
    actual[who] = res.statusCode;
    if (res.statusCode >= 400) expect(res.json().success, `${who}: ${res.body}`).toBe(false);
  }
  expect(actual).toEqual(expected);
}

/** Row counts of every table a catalog request could write to. */
export async function catalogCounts(t: TestApp) {
  const result = await t.db.execute(sql`select
    (select count(*) from users)::int as users, (select count(*) from businesses)::int as businesses,
    (select count(*) from business_documents)::int as business_documents, (select count(*) from business_photos)::int as business_photos,
    (select count(*) from workers)::int as workers, (select count(*) from worker_time_off)::int as worker_time_off,
    (select count(*) from worker_invitations)::int as worker_invitations, (select count(*) from services)::int as services,
    (select count(*) from service_workers)::int as service_workers, (select count(*) from audit_log)::int as audit_log,
    (select count(*) from refresh_tokens)::int as refresh_tokens, (select count(*) from pgboss.job)::int as jobs,
    (select coalesce(sum(session_version), 0)::int from users) as session_versions`);
  return rowsOf<Record<string, number>>(result)[0]!;
}
