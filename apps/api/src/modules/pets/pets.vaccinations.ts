import { and, eq, ne } from 'drizzle-orm';
import { petVaccinations } from '@walkydoggy/shared/db';
import type { CreateVaccinationInput, UpdateVaccinationInput, Vaccination } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { NotFound, ValidationFailed } from '../../platform/errors.js';
import * as media from '../media/media.queries.js';
import type { MediaService } from '../media/media.service.js';
import type { PetViews } from './pets.service.js';
import { isoDay, toVaccinationView } from './pets.view.js';

type Deps = Pick<Platform, 'db' | 'clock'> & { views: PetViews; media: Pick<MediaService, 'deleteInTx' | 'removeFiles'> };

/** Vaccination records; owners and co-owners keep them. The document is a PDF uploaded beforehand. */
export function createVaccinationsService(p: Deps) {
  /** The caller's own uploaded vaccination document that no other record uses. */
  async function document(exec: Executor, actor: Actor, mediaId: string, vaccinationId: string | null) {
    const row = await media.findOwnMedia(exec, actor.id, mediaId, 'vaccination_document');
    const [used] = row
      ? await exec
          .select({ id: petVaccinations.id })
          .from(petVaccinations)
          .where(and(eq(petVaccinations.documentMediaId, mediaId), vaccinationId ? ne(petVaccinations.id, vaccinationId) : undefined))
      : [];
    if (!row || used) throw ValidationFailed.field('body.documentMediaId', 'Upload the document first (purpose vaccination_document) and use its id once.');
    return row;
  }

  function checkDates(administeredOn: string, expiresOn: string | null, today: string) {
    if (administeredOn > today) throw ValidationFailed.field('body.administeredOn', 'The vaccination date cannot be in the future.');
    if (expiresOn && expiresOn < administeredOn) throw ValidationFailed.field('body.expiresOn', 'The expiry date cannot be before the vaccination date.');
  }

  async function add(actor: Actor, petId: string, input: CreateVaccinationInput): Promise<Vaccination> {
    const today = isoDay(p.clock.now());
    checkDates(input.administeredOn, input.expiresOn ?? null, today);
    return p.db.transaction(async (tx) => {
      await p.views.visible(tx, actor.id, petId, true);
      const doc = input.documentMediaId ? await document(tx, actor, input.documentMediaId, null) : null;
      const [row] = await tx
        .insert(petVaccinations)
        .values({ petId, name: input.name, administeredOn: input.administeredOn, expiresOn: input.expiresOn ?? null, documentMediaId: doc?.id ?? null })
        .returning();
      return toVaccinationView(row!, doc, today);
    });
  }

  async function update(actor: Actor, petId: string, vaccinationId: string, input: UpdateVaccinationInput): Promise<Vaccination> {
    const today = isoDay(p.clock.now());
    const { view, dropped } = await p.db.transaction(async (tx) => {
      await p.views.visible(tx, actor.id, petId, true);
      const current = await find(tx, petId, vaccinationId);
      const administeredOn = input.administeredOn ?? current.administeredOn;
      const expiresOn = input.expiresOn !== undefined ? input.expiresOn : current.expiresOn;
      checkDates(administeredOn, expiresOn, today);
      const documentMediaId = input.documentMediaId !== undefined ? input.documentMediaId : current.documentMediaId;
      const changedDocument = documentMediaId !== current.documentMediaId;
      if (changedDocument && documentMediaId) await document(tx, actor, documentMediaId, vaccinationId);
      const [row] = await tx
        .update(petVaccinations)
        .set({ name: input.name ?? current.name, administeredOn, expiresOn, documentMediaId })
        .where(eq(petVaccinations.id, vaccinationId))
        .returning();
      // A replaced document is deleted, not left behind as an orphan with medical data.
      const dropped = changedDocument && current.documentMediaId ? await p.media.deleteInTx(tx, [current.documentMediaId]) : [];
      const [doc] = documentMediaId ? await media.mediaByIds(tx, [documentMediaId]) : [];
      return { view: toVaccinationView(row!, doc ?? null, today), dropped };
    });
    await p.media.removeFiles(dropped);
    return view;
  }

  async function remove(actor: Actor, petId: string, vaccinationId: string): Promise<void> {
    const dropped = await p.db.transaction(async (tx) => {
      await p.views.visible(tx, actor.id, petId, true);
      const current = await find(tx, petId, vaccinationId);
      await tx.delete(petVaccinations).where(eq(petVaccinations.id, vaccinationId));
      return current.documentMediaId ? p.media.deleteInTx(tx, [current.documentMediaId]) : [];
    });
    await p.media.removeFiles(dropped);
  }

  async function find(exec: Executor, petId: string, vaccinationId: string) {
    const [row] = await exec
      .select()
      .from(petVaccinations)
      .where(and(eq(petVaccinations.id, vaccinationId), eq(petVaccinations.petId, petId)));
    if (!row) throw new NotFound('Vaccination');
    return row;
  }

  return { add, update, remove };
}
