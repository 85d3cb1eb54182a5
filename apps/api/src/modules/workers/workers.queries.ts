import { and, asc, desc, eq, getTableColumns, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import { businesses, users, workerInvitations, workers, workerTimeOff } from '@walkydoggy/shared/db';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { isPublicBusiness } from '../businesses/businesses.queries.js';
import { cursorKey, olderThanCursor } from '../businesses/pagination.js';

export type WorkerAccess = 'self' | 'owner' | 'admin' | 'public';

const workerColumns = {
  ...getTableColumns(workers),
  firstName: users.firstName,
  lastName: users.lastName,
  businessOwnerId: businesses.ownerId,
  businessName: businesses.name,
  cursorKey: cursorKey(workers.createdAt, workers.id),
};
export type WorkerRow = NonNullable<Awaited<ReturnType<typeof findVisibleWorker>>>;

/**
 * Who may see a worker: themselves, the owner of their business, admins, and — while the worker is
 * active and the business public — everyone.
 */
function workerVisibleTo(viewer: Actor | null): SQL {
  if (viewer?.role === 'admin') return isNull(businesses.deletedAt);
  const publicWorker = and(eq(workers.status, 'active'), isPublicBusiness)!;
  if (!viewer) return publicWorker;
  return or(publicWorker, eq(workers.userId, viewer.id), and(eq(businesses.ownerId, viewer.id), isNull(businesses.deletedAt)))!;
}

export async function findVisibleWorker(exec: Executor, id: string, viewer: Actor | null) {
  const [row] = await exec
    .select(workerColumns)
    .from(workers)
    .innerJoin(users, eq(users.id, workers.userId))
    .innerJoin(businesses, eq(businesses.id, workers.businessId))
    .where(and(eq(workers.id, id), workerVisibleTo(viewer)));
  return row;
}

export function listActiveWorkers(exec: Executor, businessId: string, opts: { cursor?: string; limit: number }) {
  return exec
    .select(workerColumns)
    .from(workers)
    .innerJoin(users, eq(users.id, workers.userId))
    .innerJoin(businesses, eq(businesses.id, workers.businessId))
    .where(and(eq(workers.businessId, businessId), eq(workers.status, 'active'), olderThanCursor(workers.createdAt, workers.id, opts.cursor)))
    .orderBy(desc(workers.createdAt), desc(workers.id))
    .limit(opts.limit + 1);
}

export async function activeWorkerOfUser(exec: Executor, userId: string) {
  const [row] = await exec
    .select({ id: workers.id, businessId: workers.businessId })
    .from(workers)
    .where(and(eq(workers.userId, userId), eq(workers.status, 'active')));
  return row;
}

export async function activeWorkerByEmail(exec: Executor, businessId: string, email: string) {
  const [row] = await exec
    .select({ id: workers.id })
    .from(workers)
    .innerJoin(users, eq(users.id, workers.userId))
    .where(and(eq(workers.businessId, businessId), eq(workers.status, 'active'), eq(users.email, email)));
  return row;
}

export async function insertWorker(exec: Executor, userId: string, businessId: string): Promise<string> {
  const [row] = await exec.insert(workers).values({ userId, businessId }).returning({ id: workers.id });
  return row!.id;
}

export async function updateWorker(exec: Executor, id: string, patch: Partial<typeof workers.$inferInsert>) {
  await exec.update(workers).set(patch).where(eq(workers.id, id));
}

export function timeOffOf(exec: Executor, workerId: string) {
  return exec.select().from(workerTimeOff).where(eq(workerTimeOff.workerId, workerId)).orderBy(asc(workerTimeOff.startsAt));
}

export async function replaceTimeOff(exec: Executor, workerId: string, entries: { startsAt: Date; endsAt: Date; reason: string | null }[]) {
  await exec.delete(workerTimeOff).where(eq(workerTimeOff.workerId, workerId));
  if (entries.length) await exec.insert(workerTimeOff).values(entries.map((e) => ({ ...e, workerId })));
}

// ───────────────────────── invitations ─────────────────────────

export async function insertInvitation(exec: Executor, v: { businessId: string; email: string; tokenHash: string; invitedBy: string; expiresAt: Date }) {
  const [row] = await exec.insert(workerInvitations).values(v).returning();
  return row!;
}

const openInvitation = (now: Date) => and(isNull(workerInvitations.acceptedAt), isNull(workerInvitations.revokedAt), gt(workerInvitations.expiresAt, now));

/** A newer invitation to the same address replaces the open ones, so only the latest link works. */
export async function revokeOpenInvitations(exec: Executor, businessId: string, email: string, now: Date) {
  await exec
    .update(workerInvitations)
    .set({ revokedAt: now })
    .where(and(eq(workerInvitations.businessId, businessId), eq(workerInvitations.email, email), openInvitation(now)));
}

export function pendingInvitations(exec: Executor, businessId: string, now: Date) {
  return exec
    .select()
    .from(workerInvitations)
    .where(and(eq(workerInvitations.businessId, businessId), openInvitation(now)))
    .orderBy(desc(workerInvitations.createdAt));
}

export async function revokeInvitation(exec: Executor, businessId: string, invitationId: string, now: Date): Promise<boolean> {
  const rows = await exec
    .update(workerInvitations)
    .set({ revokedAt: now })
    .where(and(eq(workerInvitations.id, invitationId), eq(workerInvitations.businessId, businessId), openInvitation(now)))
    .returning({ id: workerInvitations.id });
  return rows.length > 0;
}

/** The invitation of a token with its business; `lock` holds the row so one link cannot be used twice. */
export async function invitationByHash(exec: Executor, tokenHash: string, lock = false) {
  const query = exec
    .select({
      invitation: workerInvitations,
      businessName: businesses.name,
      businessDeleted: sql<boolean>`${businesses.deletedAt} is not null`,
    })
    .from(workerInvitations)
    .innerJoin(businesses, eq(businesses.id, workerInvitations.businessId))
    .where(eq(workerInvitations.tokenHash, tokenHash));
  const [row] = lock ? await query.for('update', { of: workerInvitations }) : await query;
  return row;
}

export async function markInvitationAccepted(exec: Executor, id: string, userId: string, now: Date) {
  await exec.update(workerInvitations).set({ acceptedAt: now, acceptedBy: userId }).where(eq(workerInvitations.id, id));
}

export async function activeWorkerIdOfUser(exec: Executor, userId: string): Promise<string | null> {
  const [row] = await exec
    .select({ id: workers.id })
    .from(workers)
    .where(and(eq(workers.userId, userId), eq(workers.status, 'active')));
  return row?.id ?? null;
}
