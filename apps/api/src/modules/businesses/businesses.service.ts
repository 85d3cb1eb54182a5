import { sql } from 'drizzle-orm';
import type {
  Business,
  BusinessDocument,
  BusinessDocumentBody,
  CatalogMedia,
  CreateBusinessBody,
  UpdateBusinessBody,
  VerificationStatus,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import type { Executor } from '../../platform/db.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import { removeAllWorkersOf } from '../workers/workers.removal.js';
import { areaToGeography, assertValidArea } from './area.js';
import { ownedBusiness, visibleBusiness } from './business-access.js';
import * as q from './businesses.queries.js';
import { toBusinessView, toDocumentView } from './businesses.view.js';
import { assertOwnMedia, mediaViews } from '../media/media.view.js';
import { toPage } from './pagination.js';

type Deps = Pick<Platform, 'db' | 'clock'> & { realtime: Pick<Platform['realtime'], 'accountsChanged'> };

export const MAX_BUSINESS_PHOTOS = 30;

/** Request fields to columns; only the fields given are set. */
function toColumns(body: UpdateBusinessBody): q.BusinessPatch {
  const c: q.BusinessPatch = {};
  if (body.name !== undefined) c.name = body.name;
  if (body.description !== undefined) c.description = body.description;
  if (body.type !== undefined) c.type = body.type;
  if (body.logoMediaId !== undefined) c.logoMediaId = body.logoMediaId;
  if (body.coverMediaId !== undefined) c.coverMediaId = body.coverMediaId;
  if (body.contact?.email !== undefined) c.contactEmail = body.contact.email;
  if (body.contact?.phone !== undefined) c.contactPhone = body.contact.phone;
  if (body.contact?.website !== undefined) c.website = body.contact.website;
  if (body.address !== undefined) c.address = body.address;
  if (body.location !== undefined) c.location = sql`ST_SetSRID(ST_MakePoint(${body.location.lng}, ${body.location.lat}), 4326)::geography`;
  if (body.timeZone !== undefined) c.timeZone = body.timeZone;
  if (body.serviceArea !== undefined) c.serviceArea = body.serviceArea === null ? null : areaToGeography(body.serviceArea);
  if (body.operatingHours !== undefined) c.operatingHours = [...body.operatingHours].sort((a, b) => a.day - b.day || a.open.localeCompare(b.open));
  if (body.closedDates !== undefined) c.closedDates = [...body.closedDates].sort();
  if (body.active !== undefined) c.active = body.active;
  const settings = body.bookingSettings;
  if (settings?.travelBufferMinutes !== undefined) c.travelBufferMinutes = settings.travelBufferMinutes;
  if (settings?.dailyCapacity !== undefined) c.dailyCapacity = settings.dailyCapacity;
  if (settings?.bookingExpiryHours !== undefined) c.bookingExpiryHours = settings.bookingExpiryHours;
  if (settings?.startWindowMinutes !== undefined) c.startWindowMinutes = settings.startWindowMinutes;
  return c;
}

/** Checks what Zod cannot: the media ids are the caller's uploads, and PostGIS accepts the area. */
async function checkReferences(exec: Executor, actor: Actor, body: UpdateBusinessBody) {
  if (body.logoMediaId) await assertOwnMedia(exec, actor.id, body.logoMediaId, 'business_logo', 'body.logoMediaId');
  if (body.coverMediaId) await assertOwnMedia(exec, actor.id, body.coverMediaId, 'business_cover', 'body.coverMediaId');
  if (body.serviceArea) await assertValidArea(exec, body.serviceArea);
}

export function createBusinessesService(p: Deps) {
  async function view(exec: Executor, id: string, viewer: Actor | null): Promise<Business> {
    const { business, access } = await visibleBusiness(exec, id, viewer);
    return toBusinessView(exec, business, access, p.clock.now());
  }

  async function create(actor: Actor, body: CreateBusinessBody, meta: RequestMeta): Promise<Business> {
    // Validated outside the transaction: on PostgreSQL a failed PostGIS call would abort it.
    await checkReferences(p.db, actor, body);
    const created = await p.db.transaction(async (tx) => {
      const id = await q.insertBusiness(tx, { ...(toColumns(body) as q.BusinessInsert), ownerId: actor.id });
      await audit(tx, { actorId: actor.id, action: 'business.create', targetType: 'business', targetId: id, ...meta });
      return view(tx, id, actor);
    });
    // The owner's open sockets join the new business's room (its requests, its team's presence).
    p.realtime.accountsChanged([actor.id]);
    return created;
  }

  async function list(actor: Actor, query: { limit: number; cursor?: string; verificationStatus?: VerificationStatus }) {
    const rows = await q.listBusinesses(p.db, {
      ...query,
      ...(actor.role === 'admin' ? {} : { ownerId: actor.id }),
    });
    const { items, nextCursor } = toPage(rows, query.limit);
    const data: Business[] = [];
    for (const row of items) data.push(await toBusinessView(p.db, row, row.ownerId === actor.id ? 'owner' : 'admin', p.clock.now()));
    return { data, meta: { limit: query.limit, nextCursor } };
  }

  async function update(actor: Actor, id: string, body: UpdateBusinessBody): Promise<Business> {
    await ownedBusiness(p.db, id, actor);
    await checkReferences(p.db, actor, body);
    return p.db.transaction(async (tx) => {
      await q.updateBusiness(tx, id, { ...toColumns(body), updatedAt: p.clock.now() });
      return view(tx, id, actor);
    });
  }

  /** Soft delete: the business disappears for everyone, and its team loses access at once. */
  async function remove(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
    const removed = await p.db.transaction(async (tx) => {
      await ownedBusiness(tx, id, actor);
      await q.lockBusiness(tx, id);
      const now = p.clock.now();
      await q.updateBusiness(tx, id, { deletedAt: now, active: false, updatedAt: now });
      const team = await removeAllWorkersOf(tx, id, now);
      await audit(tx, {
        actorId: actor.id,
        action: 'business.delete',
        targetType: 'business',
        targetId: id,
        ...meta,
        details: { workersRemoved: team.length },
      });
      return team;
    });
    // The team's sockets are signed out, the owner's leave the business's room.
    p.realtime.accountsChanged([actor.id, ...removed]);
  }

  async function setVerification(admin: Actor, id: string, body: { status: VerificationStatus; note?: string }, meta: RequestMeta): Promise<Business> {
    return p.db.transaction(async (tx) => {
      const { business } = await visibleBusiness(tx, id, admin);
      await q.updateBusiness(tx, id, { verificationStatus: body.status, updatedAt: p.clock.now() });
      await audit(tx, {
        actorId: admin.id,
        action: 'business.verification',
        targetType: 'business',
        targetId: id,
        ...meta,
        details: { from: business.verificationStatus, to: body.status, ...(body.note ? { note: body.note } : {}) },
      });
      return view(tx, id, admin);
    });
  }

  async function addDocument(actor: Actor, id: string, body: BusinessDocumentBody): Promise<BusinessDocument> {
    await ownedBusiness(p.db, id, actor);
    if (body.mediaId) await assertOwnMedia(p.db, actor.id, body.mediaId, 'business_document', 'body.mediaId');
    const row = await q.insertDocument(p.db, {
      businessId: id,
      kind: body.kind,
      title: body.title,
      issuer: body.issuer ?? null,
      policyNumber: body.policyNumber ?? null,
      expiresOn: body.expiresOn ?? null,
      mediaId: body.mediaId ?? null,
    });
    return toDocumentView(row, await mediaViews(p.db, [row.mediaId]), p.clock.now().toISOString().slice(0, 10));
  }

  async function removeDocument(actor: Actor, id: string, documentId: string): Promise<void> {
    await ownedBusiness(p.db, id, actor);
    if (!(await q.deleteDocument(p.db, id, documentId))) throw new NotFound('Document');
  }

  async function addPhoto(actor: Actor, id: string, mediaId: string): Promise<CatalogMedia> {
    await ownedBusiness(p.db, id, actor);
    await assertOwnMedia(p.db, actor.id, mediaId, 'business_photo', 'body.mediaId');
    return p.db.transaction(async (tx) => {
      await q.lockBusiness(tx, id);
      const photos = await q.photosOf(tx, [id]);
      if (photos.some((ph) => ph.mediaId === mediaId)) throw new Conflict('This photo is already in the gallery.');
      if (photos.length >= MAX_BUSINESS_PHOTOS) throw new Conflict(`A business can show at most ${MAX_BUSINESS_PHOTOS} photos.`);
      await q.insertPhoto(tx, id, mediaId);
      return (await mediaViews(tx, [mediaId])).get(mediaId)!;
    });
  }

  async function removePhoto(actor: Actor, id: string, photoId: string): Promise<void> {
    await ownedBusiness(p.db, id, actor);
    if (!(await q.deletePhoto(p.db, id, photoId))) throw new NotFound('Photo');
  }

  return { view, create, list, update, remove, setVerification, addDocument, removeDocument, addPhoto, removePhoto };
}
export type BusinessesService = ReturnType<typeof createBusinessesService>;
