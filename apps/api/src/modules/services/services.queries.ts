import { and, asc, desc, eq, getTableColumns, inArray, isNull } from 'drizzle-orm';
import { services, serviceWorkers, workers } from '@walkydoggy/shared/db';
import type { Executor } from '../../platform/db.js';
import { cursorKey, olderThanCursor } from '../businesses/pagination.js';

export type ServiceRow = typeof services.$inferSelect & { cursorKey: string };
export type ServiceValues = Omit<typeof services.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

const serviceColumns = { ...getTableColumns(services), cursorKey: cursorKey(services.createdAt, services.id) };

/** Services of a business that are not deleted (only active ones when `activeOnly`). */
export function listServices(exec: Executor, businessId: string, opts: { activeOnly: boolean; cursor?: string; limit?: number }): Promise<ServiceRow[]> {
  const query = exec
    .select(serviceColumns)
    .from(services)
    .where(
      and(
        eq(services.businessId, businessId),
        isNull(services.deletedAt),
        opts.activeOnly ? eq(services.active, true) : undefined,
        olderThanCursor(services.createdAt, services.id, opts.cursor),
      ),
    )
    .orderBy(desc(services.createdAt), desc(services.id));
  return opts.limit ? query.limit(opts.limit + 1) : query;
}

export async function findService(exec: Executor, id: string): Promise<ServiceRow | undefined> {
  const [row] = await exec
    .select(serviceColumns)
    .from(services)
    .where(and(eq(services.id, id), isNull(services.deletedAt)));
  return row;
}

export async function insertService(exec: Executor, values: ServiceValues): Promise<string> {
  const [row] = await exec.insert(services).values(values).returning({ id: services.id });
  return row!.id;
}

export async function updateService(exec: Executor, id: string, patch: Partial<ServiceValues> & { updatedAt?: Date; deletedAt?: Date }) {
  await exec.update(services).set(patch).where(eq(services.id, id));
}

/** Active worker ids of each service; removed workers no longer perform anything. */
export async function workerIdsOf(exec: Executor, serviceIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(serviceIds.map((id) => [id, []]));
  if (!serviceIds.length) return map;
  const rows = await exec
    .select({ serviceId: serviceWorkers.serviceId, workerId: serviceWorkers.workerId })
    .from(serviceWorkers)
    .innerJoin(workers, and(eq(workers.id, serviceWorkers.workerId), eq(workers.status, 'active')))
    .where(inArray(serviceWorkers.serviceId, serviceIds))
    .orderBy(asc(workers.createdAt), asc(workers.id));
  for (const r of rows) map.get(r.serviceId)?.push(r.workerId);
  return map;
}

/** Of the ids given, those that are active workers of the business. */
export async function activeWorkerIdsIn(exec: Executor, businessId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await exec
    .select({ id: workers.id })
    .from(workers)
    .where(and(eq(workers.businessId, businessId), eq(workers.status, 'active'), inArray(workers.id, ids)));
  return new Set(rows.map((r) => r.id));
}

export async function replaceServiceWorkers(exec: Executor, serviceId: string, workerIds: string[]) {
  await exec.delete(serviceWorkers).where(eq(serviceWorkers.serviceId, serviceId));
  if (workerIds.length) await exec.insert(serviceWorkers).values(workerIds.map((workerId) => ({ serviceId, workerId })));
}

/** Services of a business the worker performs, for the worker's `serviceIds`. */
export async function serviceIdsOfWorkers(exec: Executor, workerIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(workerIds.map((id) => [id, []]));
  if (!workerIds.length) return map;
  const rows = await exec
    .select({ serviceId: serviceWorkers.serviceId, workerId: serviceWorkers.workerId })
    .from(serviceWorkers)
    .innerJoin(services, and(eq(services.id, serviceWorkers.serviceId), isNull(services.deletedAt)))
    .where(inArray(serviceWorkers.workerId, workerIds))
    .orderBy(asc(services.createdAt), asc(services.id));
  for (const r of rows) map.get(r.workerId)?.push(r.serviceId);
  return map;
}
