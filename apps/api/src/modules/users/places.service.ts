import { and, eq } from 'drizzle-orm';
import { users } from '@walkydoggy/shared/db';
import { DEFAULT_PLACE_LABELS, MAX_SAVED_PLACES, createPlaceBodySchema, updatePlaceBodySchema, type Place, type PlaceKind } from '@walkydoggy/shared';
import type { z } from 'zod';
import type { Platform } from '../../platform/platform.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import type { Tx } from '../../platform/db.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import * as q from './places.queries.js';

type Deps = Pick<Platform, 'db' | 'clock'>;
type CreateBody = z.output<typeof createPlaceBodySchema>;
type UpdateBody = z.output<typeof updatePlaceBodySchema>;

const KIND_WORDS: Record<PlaceKind, string> = { home: 'a home', work: 'a work place', other: '' };

export function createPlacesService(p: Deps) {
  /** Locks the person's row, so two requests cannot both pass the limits below. */
  async function lockOwner(tx: Tx, userId: string) {
    const [row] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, userId), eq(users.status, 'active')))
      .for('update');
    if (!row) throw new NotFound('Account');
  }

  async function assertKindFree(tx: Tx, userId: string, kind: PlaceKind, exceptId?: string) {
    if (kind === 'other') return;
    const taken = (await q.listPlaces(tx, userId)).find((pl) => pl.kind === kind && pl.id !== exceptId);
    if (taken) throw new Conflict(`You already have ${KIND_WORDS[kind]} saved ("${taken.label}"). Edit that place or delete it first.`);
  }

  async function list(userId: string): Promise<Place[]> {
    return (await q.listPlaces(p.db, userId)).map(q.toPlaceView);
  }

  async function create(userId: string, body: CreateBody, meta: RequestMeta): Promise<Place> {
    return p.db.transaction(async (tx) => {
      await lockOwner(tx, userId);
      const existing = await q.listPlaces(tx, userId);
      if (existing.length >= MAX_SAVED_PLACES) throw new Conflict(`You can save at most ${MAX_SAVED_PLACES} places. Delete one you no longer use first.`);
      await assertKindFree(tx, userId, body.kind);
      const label = body.label ?? (body.kind === 'other' ? body.address.street.slice(0, 60) : DEFAULT_PLACE_LABELS[body.kind]);
      const id = await q.insertPlace(tx, { userId, kind: body.kind, label, address: body.address, location: body.location });
      await audit(tx, { actorId: userId, action: 'place.create', targetType: 'user_place', targetId: id, ...meta, details: { kind: body.kind } });
      return q.toPlaceView((await q.findPlace(tx, userId, id))!);
    });
  }

  async function update(userId: string, id: string, body: UpdateBody, meta: RequestMeta): Promise<Place> {
    return p.db.transaction(async (tx) => {
      await lockOwner(tx, userId);
      if (!(await q.findPlace(tx, userId, id))) throw new NotFound('Place');
      if (body.kind) await assertKindFree(tx, userId, body.kind, id);
      await q.updatePlace(tx, userId, id, body, p.clock.now());
      await audit(tx, { actorId: userId, action: 'place.update', targetType: 'user_place', targetId: id, ...meta, details: { fields: Object.keys(body) } });
      return q.toPlaceView((await q.findPlace(tx, userId, id))!);
    });
  }

  async function remove(userId: string, id: string, meta: RequestMeta): Promise<void> {
    await p.db.transaction(async (tx) => {
      if (!(await q.deletePlace(tx, userId, id))) throw new NotFound('Place');
      await audit(tx, { actorId: userId, action: 'place.delete', targetType: 'user_place', targetId: id, ...meta });
    });
  }

  return { list, create, update, remove };
}
