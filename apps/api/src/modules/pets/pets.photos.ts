import { and, count, eq } from 'drizzle-orm';
import { petPhotos } from '@walkydoggy/shared/db';
import { MAX_PET_PHOTOS, type PetPhoto } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { Conflict, NotFound, ValidationFailed } from '../../platform/errors.js';
import * as media from '../media/media.queries.js';
import type { MediaService } from '../media/media.service.js';
import type { PetViews } from './pets.service.js';
import { toPhotoView } from './pets.view.js';

type Deps = Pick<Platform, 'db'> & { views: PetViews; media: Pick<MediaService, 'store' | 'deleteInTx' | 'removeFiles'> };

export function createPetPhotosService(p: Deps) {
  /** Locks the pet and checks there is room for one more photo. */
  async function roomFor(exec: Executor, actor: Actor, petId: string) {
    await p.views.visible(exec, actor.id, petId, true);
    const [{ n } = { n: 0 }] = await exec.select({ n: count() }).from(petPhotos).where(eq(petPhotos.petId, petId));
    if (n >= MAX_PET_PHOTOS) throw new Conflict(`A pet can have at most ${MAX_PET_PHOTOS} photos. Delete one first.`);
  }

  /** Upload and attach in one request. The pet is checked before anything is stored. */
  async function addUpload(actor: Actor, petId: string, bytes: Buffer): Promise<PetPhoto> {
    await roomFor(p.db, actor, petId);
    const { attached } = await p.media.store(actor.id, 'pet_photo', bytes, async (tx, row) => {
      await roomFor(tx, actor, petId);
      const [photo] = await tx.insert(petPhotos).values({ petId, mediaId: row.id }).returning();
      return toPhotoView({ id: photo!.id, media: row });
    });
    return attached!;
  }

  /** Attach a photo uploaded before through `POST /v1/media` (purpose pet_photo). */
  async function addExisting(actor: Actor, petId: string, mediaId: string): Promise<PetPhoto> {
    return p.db.transaction(async (tx) => {
      await roomFor(tx, actor, petId);
      const row = await media.findOwnMedia(tx, actor.id, mediaId, 'pet_photo');
      if (!row) throw ValidationFailed.field('body.mediaId', 'Upload the photo first (purpose pet_photo) and use its id.');
      const [used] = await tx.select({ id: petPhotos.id }).from(petPhotos).where(eq(petPhotos.mediaId, mediaId));
      if (used) throw new Conflict('This photo is already used.');
      const [photo] = await tx.insert(petPhotos).values({ petId, mediaId }).returning();
      return toPhotoView({ id: photo!.id, media: row });
    });
  }

  async function remove(actor: Actor, petId: string, photoId: string): Promise<void> {
    const dropped = await p.db.transaction(async (tx) => {
      await p.views.visible(tx, actor.id, petId, true);
      const [photo] = await tx
        .delete(petPhotos)
        .where(and(eq(petPhotos.id, photoId), eq(petPhotos.petId, petId)))
        .returning();
      if (!photo) throw new NotFound('Photo');
      return p.media.deleteInTx(tx, [photo.mediaId]);
    });
    await p.media.removeFiles(dropped);
  }

  return { addUpload, addExisting, remove };
}
