import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { bookings, businesses, calendarFeeds, services, users, workers } from '@walkydoggy/shared/db';
import { MAX_BOOKING_SPAN_DAYS, type CalendarFeedKind } from '@walkydoggy/shared';
import type { Executor } from '../../platform/db.js';

export type FeedRow = typeof calendarFeeds.$inferSelect;
export type Subject = { kind: CalendarFeedKind; id: string };

/**
 * The subjects whose calendar this user may hold: their own bookings (pet owners), their active
 * worker post, and every business they own that is not deleted. The feed list and every check of a
 * subject go through here, so a subject that is not the caller's is simply not found.
 */
export async function subjectsOf(exec: Executor, user: { id: string; role: string }): Promise<(Subject & { name: string })[]> {
  const [ownBusinesses, posts] = await Promise.all([
    exec
      .select({ id: businesses.id, name: businesses.name })
      .from(businesses)
      .where(and(eq(businesses.ownerId, user.id), isNull(businesses.deletedAt)))
      .orderBy(asc(businesses.createdAt), asc(businesses.id)),
    exec
      .select({ id: workers.id, name: businesses.name })
      .from(workers)
      .innerJoin(businesses, eq(businesses.id, workers.businessId))
      .where(and(eq(workers.userId, user.id), eq(workers.status, 'active'), isNull(businesses.deletedAt))),
  ]);
  return [
    ...(user.role === 'pet_owner' ? [{ kind: 'owner' as const, id: user.id, name: 'WalkyDoggy bookings' }] : []),
    ...posts.map((w) => ({ kind: 'worker' as const, id: w.id, name: `WalkyDoggy · ${w.name}` })),
    ...ownBusinesses.map((b) => ({ kind: 'business' as const, id: b.id, name: `WalkyDoggy · ${b.name}` })),
  ];
}

export function activeFeeds(exec: Executor, subjects: Subject[]): Promise<FeedRow[]> {
  if (!subjects.length) return Promise.resolve([]);
  return exec
    .select()
    .from(calendarFeeds)
    .where(and(isNull(calendarFeeds.revokedAt), or(...subjects.map((s) => and(eq(calendarFeeds.subjectKind, s.kind), eq(calendarFeeds.subjectId, s.id))))));
}

/**
 * Inserts the subject's feed unless one is active: two first calls at once both try, the partial
 * unique index lets one in and the other does nothing, and both then read the one that won.
 */
export async function insertFeedIfNone(exec: Executor, values: typeof calendarFeeds.$inferInsert): Promise<void> {
  await exec.insert(calendarFeeds).values(values).onConflictDoNothing();
}

export async function revokeFeed(exec: Executor, subject: Subject, now: Date): Promise<void> {
  await exec
    .update(calendarFeeds)
    .set({ revokedAt: now })
    .where(and(eq(calendarFeeds.subjectKind, subject.kind), eq(calendarFeeds.subjectId, subject.id), isNull(calendarFeeds.revokedAt)));
}

/** The live feed of a token hash, with the account that made it (a feed dies with its maker's access). */
export async function feedByTokenHash(exec: Executor, tokenHash: string) {
  const [row] = await exec
    .select({ feed: calendarFeeds, creator: { id: users.id, role: users.role, status: users.status } })
    .from(calendarFeeds)
    .innerJoin(users, eq(users.id, calendarFeeds.createdBy))
    .where(and(eq(calendarFeeds.tokenHash, tokenHash), isNull(calendarFeeds.revokedAt)));
  return row;
}

// ───────────────────────── feed content ─────────────────────────

const workerUsers = alias(users, 'worker_user');
const ownerUsers = alias(users, 'owner_user');

/** Statuses shown as events; `cancelled` ones too for a while, so subscribed apps remove them. */
const SHOWN_STATUSES = ['pending', 'confirmed', 'in_progress', 'completed'] as const;

export type FeedBookingRow = Awaited<ReturnType<typeof feedBookings>>[number];

function subjectFilter(subject: Subject): SQL {
  if (subject.kind === 'owner') return eq(bookings.ownerId, subject.id);
  if (subject.kind === 'worker') return eq(bookings.workerId, subject.id);
  return eq(bookings.businessId, subject.id);
}

/** What a feed shows: bookings starting before `until`, and of those, running or ended at most `since` ago, and cancellations made since then. */
export type FeedWindow = { since: Date; until: Date; now: Date };

function feedWhere(subject: Subject, w: FeedWindow): SQL | undefined {
  return and(
    subjectFilter(subject),
    lt(bookings.startsAt, w.until),
    // Implied by the end bounds below (no booking lasts longer than MAX_BOOKING_SPAN_DAYS, a day to spare):
    // a lower bound on the start lets the (subject, starts_at) indexes stop there instead of reading all history.
    gte(bookings.startsAt, new Date(w.since.getTime() - (MAX_BOOKING_SPAN_DAYS + 1) * 24 * 60 * 60_000)),
    or(
      and(inArray(bookings.status, [...SHOWN_STATUSES]), gte(bookings.endsAt, w.since)),
      and(eq(bookings.status, 'cancelled'), gte(bookings.endsAt, w.since), gte(sql`coalesce(${bookings.cancelledAt}, ${bookings.updatedAt})`, w.since)),
    ),
  );
}

/**
 * The bookings of a feed (`FeedWindow`), capped, so one business's feed cannot grow without bound:
 * beyond the cap the ones nearest to now are kept (those not ended yet, soonest first, then the
 * most recent past). In no particular order.
 */
export async function feedBookings(exec: Executor, subject: Subject, w: FeedWindow, limit: number) {
  return exec
    .select({
      id: bookings.id,
      number: bookings.number,
      status: bookings.status,
      kind: bookings.kind,
      startsAt: bookings.startsAt,
      endsAt: bookings.endsAt,
      updatedAt: bookings.updatedAt,
      notes: bookings.notes,
      specialInstructions: bookings.specialInstructions,
      locationKind: bookings.locationKind,
      address: bookings.address,
      lat: sql<number | null>`ST_Y(${bookings.location}::geometry)`.mapWith((v) => (v === null ? null : Number(v))),
      lng: sql<number | null>`ST_X(${bookings.location}::geometry)`.mapWith((v) => (v === null ? null : Number(v))),
      serviceName: services.name,
      serviceType: services.type,
      businessName: businesses.name,
      businessAddress: businesses.address,
      ownerFirstName: ownerUsers.firstName,
      ownerLastName: ownerUsers.lastName,
      workerFirstName: workerUsers.firstName,
      workerLastName: workerUsers.lastName,
      pets: sql<
        string[]
      >`coalesce((select array_agg(p.name order by p.name, p.id) from booking_pets bp join pets p on p.id = bp.pet_id where bp.booking_id = ${bookings.id}), '{}')`,
    })
    .from(bookings)
    .innerJoin(services, eq(services.id, bookings.serviceId))
    .innerJoin(businesses, eq(businesses.id, bookings.businessId))
    .innerJoin(ownerUsers, eq(ownerUsers.id, bookings.ownerId))
    .leftJoin(workers, eq(workers.id, bookings.workerId))
    .leftJoin(workerUsers, eq(workerUsers.id, workers.userId))
    .where(feedWhere(subject, w))
    .orderBy(
      sql`${bookings.endsAt} < ${w.now}`,
      sql`case when ${bookings.endsAt} >= ${w.now} then ${bookings.startsAt} end asc`,
      desc(bookings.startsAt),
      asc(bookings.id),
    )
    .limit(limit);
}

/**
 * What changes whenever a feed's bookings do: how many there are, the latest `updated_at`, and the
 * row versions (`xmin` is the transaction that wrote each row: any update gives the row a new one,
 * also one that left `updated_at` as it was). A rendered feed is reused while this stays the same.
 */
export async function feedVersion(exec: Executor, subject: Subject, w: FeedWindow): Promise<string> {
  const [row] = await exec
    .select({
      count: sql<number>`count(*)::int`,
      latest: sql<string | null>`max(${bookings.updatedAt})::text`,
      rows: sql<string | null>`sum(bookings.xmin::text::bigint)::text`,
    })
    .from(bookings)
    .where(feedWhere(subject, w));
  return `${row?.count ?? 0} ${row?.latest ?? ''} ${row?.rows ?? ''}`;
}
