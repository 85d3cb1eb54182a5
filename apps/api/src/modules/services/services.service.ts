import type { CreateServiceBody, Service, UpdateServiceBody } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import { accessOf, ownedBusiness, visibleBusiness } from '../businesses/business-access.js';
import { findVisibleBusiness } from '../businesses/businesses.queries.js';
import { toPage } from '../businesses/pagination.js';
import * as q from './services.queries.js';
import { serviceViews } from './services.view.js';

type Deps = Pick<Platform, 'db' | 'clock'>;

function toColumns(body: UpdateServiceBody): Partial<q.ServiceValues> {
  const c: Partial<q.ServiceValues> = {};
  if (body.name !== undefined) c.name = body.name;
  if (body.type !== undefined) c.type = body.type;
  if (body.description !== undefined) c.description = body.description;
  if (body.price !== undefined) {
    c.priceMinor = body.price.amountMinor;
    c.currency = body.price.currency;
  }
  if (body.priceType !== undefined) c.priceType = body.priceType;
  if (body.additionalPetPriceMinor !== undefined) c.additionalPetPriceMinor = body.additionalPetPriceMinor;
  if (body.durationMinutes !== undefined) c.durationMinutes = body.durationMinutes;
  if (body.petTypes !== undefined) c.petTypes = body.petTypes;
  if (body.maxPets !== undefined) c.maxPets = body.maxPets;
  if (body.requiredVaccinations !== undefined) c.requiredVaccinations = body.requiredVaccinations;
  if (body.cancellationPolicy !== undefined) c.cancellationPolicy = body.cancellationPolicy;
  if (body.active !== undefined) c.active = body.active;
  return c;
}

export function createServicesService(p: Deps) {
  /** A service the viewer may see: of a business they may see, and active unless they own or administer it. */
  async function visibleService(exec: Executor, id: string, viewer: Actor | null) {
    const service = await q.findService(exec, id);
    const business = service && (await findVisibleBusiness(exec, service.businessId, viewer));
    if (!service || !business) throw new NotFound('Service');
    const access = accessOf(business, viewer);
    if (access === 'public' && !service.active) throw new NotFound('Service');
    return { service, access };
  }

  async function ownedService(exec: Executor, id: string, actor: Actor) {
    const { service, access } = await visibleService(exec, id, actor);
    if (access !== 'owner') throw new Forbidden('Only the owner of this business can change its services.');
    return service;
  }

  /** Every worker named must be an active worker of the same business. */
  async function checkWorkers(exec: Executor, businessId: string, workerIds: string[] | undefined) {
    if (!workerIds?.length) return;
    const known = await q.activeWorkerIdsIn(exec, businessId, workerIds);
    const details = workerIds.flatMap((id, i) =>
      known.has(id) ? [] : [{ path: `body.workerIds.${i}`, message: `${id} is not an active worker of this business.` }],
    );
    if (details.length) throw new ValidationFailed('Some workers are not active workers of this business.', details);
  }

  async function view(exec: Executor, id: string, viewer: Actor | null): Promise<Service> {
    const { service } = await visibleService(exec, id, viewer);
    return (await serviceViews(exec, [service]))[0]!;
  }

  async function list(viewer: Actor | null, businessId: string, page: { limit: number; cursor?: string }) {
    const { access } = await visibleBusiness(p.db, businessId, viewer);
    const rows = await q.listServices(p.db, businessId, { activeOnly: access === 'public', ...page });
    const { items, nextCursor } = toPage(rows, page.limit);
    return { data: await serviceViews(p.db, items), meta: { limit: page.limit, nextCursor } };
  }

  async function create(actor: Actor, businessId: string, body: CreateServiceBody): Promise<Service> {
    await ownedBusiness(p.db, businessId, actor);
    await checkWorkers(p.db, businessId, body.workerIds);
    return p.db.transaction(async (tx) => {
      const id = await q.insertService(tx, { ...(toColumns(body) as q.ServiceValues), businessId });
      await q.replaceServiceWorkers(tx, id, body.workerIds ?? []);
      return view(tx, id, actor);
    });
  }

  async function update(actor: Actor, id: string, body: UpdateServiceBody): Promise<Service> {
    const service = await ownedService(p.db, id, actor);
    await checkWorkers(p.db, service.businessId, body.workerIds);
    return p.db.transaction(async (tx) => {
      await q.updateService(tx, id, { ...toColumns(body), updatedAt: p.clock.now() });
      if (body.workerIds) await q.replaceServiceWorkers(tx, id, body.workerIds);
      return view(tx, id, actor);
    });
  }

  /** Soft delete: bookings made earlier still point at the service. */
  async function remove(actor: Actor, id: string): Promise<void> {
    await ownedService(p.db, id, actor);
    const now = p.clock.now();
    await q.updateService(p.db, id, { active: false, deletedAt: now, updatedAt: now });
  }

  return { view: (viewer: Actor | null, id: string) => view(p.db, id, viewer), list, create, update, remove };
}
