import type { Worker } from '@walkydoggy/shared';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { mediaViews } from '../media/media.view.js';
import { serviceIdsOfWorkers } from '../services/services.queries.js';
import { timeOffOf, type WorkerAccess, type WorkerRow } from './workers.queries.js';

export function workerAccessOf(row: WorkerRow, viewer: Actor | null): WorkerAccess {
  if (viewer && row.userId === viewer.id) return 'self';
  if (viewer && row.businessOwnerId === viewer.id) return 'owner';
  if (viewer?.role === 'admin') return 'admin';
  return 'public';
}

/** Workers as the contract shows them; time off only to the worker, the business owner and admins. */
export async function workerViews(exec: Executor, rows: WorkerRow[], viewer: Actor | null): Promise<Worker[]> {
  const media = await mediaViews(
    exec,
    rows.map((r) => r.photoMediaId),
  );
  const services = await serviceIdsOfWorkers(
    exec,
    rows.map((r) => r.id),
  );
  const views: Worker[] = [];
  for (const row of rows) {
    const privileged = workerAccessOf(row, viewer) !== 'public';
    const timeOff = privileged ? await timeOffOf(exec, row.id) : [];
    views.push({
      id: row.id,
      userId: row.userId,
      businessId: row.businessId,
      businessName: row.businessName,
      firstName: row.firstName,
      lastName: row.lastName,
      bio: row.bio,
      experienceYears: row.experienceYears,
      specializations: row.specializations,
      certifications: row.certifications.map((c) => ({ name: c.name, issuer: c.issuer ?? null, expiresOn: c.expiresOn ?? null })),
      photo: (row.photoMediaId && media.get(row.photoMediaId)) || null,
      weeklyAvailability: row.weeklyAvailability,
      ...(privileged
        ? { timeOff: timeOff.map((t) => ({ id: t.id, startsAt: t.startsAt.toISOString(), endsAt: t.endsAt.toISOString(), reason: t.reason })) }
        : {}),
      status: row.status,
      serviceIds: services.get(row.id) ?? [],
    });
  }
  return views;
}
