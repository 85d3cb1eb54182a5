import type { UpdateWorkerBody, Worker, WorkerAvailabilityBody } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import type { Executor } from '../../platform/db.js';
import { Forbidden, NotFound } from '../../platform/errors.js';
import { ownedBusiness, visibleBusiness } from '../businesses/business-access.js';
import { assertOwnMedia } from '../media/media.view.js';
import { toPage } from '../businesses/pagination.js';
import * as q from './workers.queries.js';
import { removeWorker } from './workers.removal.js';
import { workerAccessOf, workerViews } from './workers.view.js';

type Deps = Pick<Platform, 'db' | 'clock'> & { realtime: Pick<Platform['realtime'], 'accountsChanged'> };

export function createWorkersService(p: Deps) {
  async function visibleWorker(exec: Executor, id: string, viewer: Actor | null) {
    const row = await q.findVisibleWorker(exec, id, viewer);
    if (!row) throw new NotFound('Worker');
    return row;
  }

  /** The worker themselves or their business owner may change the profile; others who can see it get 403. */
  async function editableWorker(exec: Executor, id: string, actor: Actor) {
    const row = await visibleWorker(exec, id, actor);
    const access = workerAccessOf(row, actor);
    if (access !== 'self' && access !== 'owner') throw new Forbidden('Only the worker and the business owner can change this profile.');
    if (row.status !== 'active') throw new NotFound('Worker');
    return row;
  }

  /** The signed-in worker's own record (a worker has at most one active one). */
  async function mine(viewer: Actor): Promise<Worker> {
    const id = await q.activeWorkerIdOfUser(p.db, viewer.id);
    if (!id) throw new NotFound('Worker profile');
    return get(viewer, id);
  }

  async function get(viewer: Actor | null, id: string): Promise<Worker> {
    const row = await visibleWorker(p.db, id, viewer);
    return (await workerViews(p.db, [row], viewer))[0]!;
  }

  async function list(viewer: Actor | null, businessId: string, page: { limit: number; cursor?: string }) {
    await visibleBusiness(p.db, businessId, viewer);
    const { items, nextCursor } = toPage(await q.listActiveWorkers(p.db, businessId, page), page.limit);
    return { data: await workerViews(p.db, items, viewer), meta: { limit: page.limit, nextCursor } };
  }

  async function update(actor: Actor, id: string, body: UpdateWorkerBody): Promise<Worker> {
    await editableWorker(p.db, id, actor);
    if (body.photoMediaId) await assertOwnMedia(p.db, actor.id, body.photoMediaId, 'worker_photo', 'body.photoMediaId');
    await q.updateWorker(p.db, id, { ...body, updatedAt: p.clock.now() });
    return get(actor, id);
  }

  async function setAvailability(actor: Actor, id: string, body: WorkerAvailabilityBody): Promise<Worker> {
    await editableWorker(p.db, id, actor);
    await p.db.transaction(async (tx) => {
      const weeklyAvailability = [...body.weeklyAvailability].sort((a, b) => a.day - b.day || a.start.localeCompare(b.start));
      await q.updateWorker(tx, id, { weeklyAvailability, updatedAt: p.clock.now() });
      await q.replaceTimeOff(
        tx,
        id,
        body.timeOff.map((t) => ({ startsAt: new Date(t.startsAt), endsAt: new Date(t.endsAt), reason: t.reason ?? null })),
      );
    });
    return get(actor, id);
  }

  /** Removes a worker from the business; their sessions end at once. */
  async function remove(actor: Actor, businessId: string, workerId: string, meta: RequestMeta): Promise<void> {
    const userId = await p.db.transaction(async (tx) => {
      await ownedBusiness(tx, businessId, actor);
      const removed = await removeWorker(tx, businessId, workerId, p.clock.now());
      if (!removed) throw new NotFound('Worker');
      await audit(tx, {
        actorId: actor.id,
        action: 'worker.remove',
        targetType: 'worker',
        targetId: workerId,
        ...meta,
        details: { businessId, userId: removed.userId },
      });
      return removed.userId;
    });
    // Their connected sockets are signed out too (their sessions ended with the removal).
    p.realtime.accountsChanged([userId]);
  }

  return { mine, get, list, update, setAvailability, remove };
}
