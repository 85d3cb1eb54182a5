import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db.js';

/*
 * The lock order of every transaction that gives a worker time (docs/ARCHITECTURE.md, "Bookings"):
 *
 *   1. the request's Idempotency-Key row (platform/idempotency.ts), which only its caller shares;
 *   2. the booking being changed, `FOR UPDATE` (PUT /bookings/:id);
 *   3. the worker locks of this file, in key order;
 *   4. day services only: the business row `FOR NO KEY UPDATE` (capacity, bookings.checks.ts);
 *
 * and only then the reads that decide (availability, overlaps) and the writes.
 *
 * Without (3) two requests for overlapping times of one worker both pass their reads, both insert,
 * and each insert's exclusion check (`bookings_worker_no_overlap`) waits for the other's
 * uncommitted entry: a deadlock that PostgreSQL resolves only after `deadlock_timeout`, and with
 * many overlapping (not identical) periods the victims' retries meet new circles. With (3) every
 * pair of requests that could overlap on a worker meets on that worker's lock first; the second one
 * reads after the first has committed and answers 409 from its reads (or from the constraint's
 * 23P01), so the constraint never has two uncommitted rivals to wait on.
 *
 * The locks are transaction-scoped advisory locks, so they take nothing from rows that other work
 * updates (a worker's profile, presence) and end with the transaction. When the server chooses the
 * worker it locks every worker who could be chosen, before reading who is free. Locks are taken in
 * key order, so transactions locking overlapping sets of workers (two services sharing workers, a
 * weekly series) never wait on each other in a circle. PGlite has the same functions; on its single
 * connection they are granted at once.
 */

/** The namespace of these locks (the first key of the two-key form): 'WDBK'. pg-boss uses the one-key form. */
const WORKER_LOCKS = 0x5744424b;

/** Locks the time of one named worker until the transaction ends. */
async function lockWorker(exec: Executor, workerId: string): Promise<void> {
  await exec.execute(sql`select pg_advisory_xact_lock(${WORKER_LOCKS}, hashtext(${workerId}::text))`);
}

/**
 * Locks the time of every worker who could perform `serviceId` (the active workers it lists, or all
 * active workers of its business when it lists none: the candidates of `chooseWorker`), in key order.
 */
async function lockPerformersOf(exec: Executor, serviceId: string): Promise<void> {
  // The aggregate consumes the sorted keys in order, so the locks are taken in that order.
  await exec.execute(sql`select count(pg_advisory_xact_lock(${WORKER_LOCKS}, k)) from (
    select distinct hashtext(w.id::text) as k
    from services s join workers w on w.business_id = s.business_id and w.status = 'active'
    where s.id = ${serviceId}
      and (not exists (select 1 from service_workers sw where sw.service_id = s.id)
        or exists (select 1 from service_workers sw where sw.service_id = s.id and sw.worker_id = w.id))
    order by k) as keys`);
}

/**
 * Takes the worker locks (step 3 above) for a slot of `serviceId`: the named worker's, or, when the
 * server chooses, those of every worker who could be chosen. Call it before reading availability.
 */
export async function lockWorkerTime(exec: Executor, slot: { serviceId: string; workerId?: string | undefined }): Promise<void> {
  if (slot.workerId) await lockWorker(exec, slot.workerId);
  else await lockPerformersOf(exec, slot.serviceId);
}
