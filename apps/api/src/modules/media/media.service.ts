import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { DOCUMENT_PURPOSES, mediaUploadFieldsSchema, type Media, type MediaPurpose } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import type { Executor, Tx } from '../../platform/db.js';
import { AppError, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import { StoredFileMissing } from '../../platform/storage.js';
import { canViewMedia, isPublicMedia } from './media.access.js';
import { ImageRejected, processImage, sniff } from './media.images.js';
import * as q from './media.queries.js';
import { toMediaView } from './media.view.js';

export { toMediaView };

type Deps = Pick<Platform, 'db' | 'storage' | 'clock'> & { log: { warn(obj: object, msg: string): void } };

const unsupported = (message: string) => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', message);

/** A checked, re-encoded upload that is not stored yet. */
type Prepared = { kind: 'image' | 'document'; mimeType: string; body: Buffer; thumbnail: Buffer | null; width: number | null; height: number | null };

export function createMediaService(p: Deps) {
  /** Checks the bytes against the purpose and re-encodes images; throws 415/400 and stores nothing. */
  async function prepare(purpose: MediaPurpose, bytes: Buffer): Promise<Prepared> {
    const type = sniff(bytes);
    const wantsDocument = (DOCUMENT_PURPOSES as readonly string[]).includes(purpose);
    if (wantsDocument) {
      if (type !== 'application/pdf') throw unsupported('Upload this document as a PDF file.');
      return { kind: 'document', mimeType: 'application/pdf', body: bytes, thumbnail: null, width: null, height: null };
    }
    if (!type || type === 'application/pdf') throw unsupported('Upload a JPEG, PNG or WebP image.');
    try {
      const image = await processImage(bytes);
      return { kind: 'image', mimeType: image.mimeType, body: image.body, thumbnail: image.thumbnail, width: image.width, height: image.height };
    } catch (err) {
      if (err instanceof ImageRejected) throw ValidationFailed.field('body.file', err.message, err.reason);
      throw err;
    }
  }

  /**
   * Stores an upload: files first under fresh random keys, then the row (and whatever `attach`
   * writes, in the same transaction). When the row cannot be written the files are removed again.
   */
  async function store<T>(
    uploaderId: string,
    purpose: MediaPurpose,
    bytes: Buffer,
    attach?: (tx: Tx, row: q.MediaRow) => Promise<T>,
  ): Promise<{ media: q.MediaRow; attached: T | undefined }> {
    const prepared = await prepare(purpose, bytes);
    const id = crypto.randomUUID();
    const ext = prepared.kind === 'document' ? 'pdf' : 'webp';
    const storageKey = `${purpose.replace(/_/g, '-')}/${id}.${ext}`;
    const thumbnailKey = prepared.thumbnail ? `${purpose.replace(/_/g, '-')}/${id}-thumb.webp` : null;
    const written: string[] = [];
    try {
      await p.storage.put(storageKey, prepared.body, prepared.mimeType);
      written.push(storageKey);
      if (thumbnailKey && prepared.thumbnail) {
        await p.storage.put(thumbnailKey, prepared.thumbnail, 'image/webp');
        written.push(thumbnailKey);
      }
      return await p.db.transaction(async (tx) => {
        const row = await q.insertMedia(tx, {
          id,
          ownerId: uploaderId,
          purpose,
          kind: prepared.kind,
          mimeType: prepared.mimeType,
          sizeBytes: prepared.body.length,
          storageKey,
          thumbnailKey,
          width: prepared.width,
          height: prepared.height,
          sha256: crypto.createHash('sha256').update(prepared.body).digest('hex'),
        });
        return { media: row, attached: attach ? await attach(tx, row) : undefined };
      });
    } catch (err) {
      await removeFiles(written);
      throw err;
    }
  }

  async function upload(actor: Actor, fields: Record<string, string>, bytes: Buffer): Promise<Media> {
    const parsed = mediaUploadFieldsSchema.safeParse(fields);
    if (!parsed.success)
      throw new ValidationFailed(
        'Some fields are not valid.',
        parsed.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message, code: i.code })),
      );
    return toMediaView((await store(actor.id, parsed.data.purpose, bytes)).media);
  }

  /** The bytes of a file or thumbnail, when `viewer` may see them; 404 in every other case. */
  async function open(
    viewer: Actor | null,
    id: string,
    variant: 'file' | 'thumbnail',
  ): Promise<{ stream: Readable; mimeType: string; sizeBytes: number | null; row: q.MediaRow; isPublic: boolean }> {
    const row = await q.findLiveMedia(p.db, id);
    if (!row || !(await canViewMedia(p.db, viewer, row))) throw new NotFound('File');
    const key = variant === 'file' ? row.storageKey : row.thumbnailKey;
    if (!key) throw new NotFound('Thumbnail');
    try {
      const stream = await p.storage.get(key);
      return {
        stream,
        mimeType: variant === 'file' ? row.mimeType : 'image/webp',
        sizeBytes: variant === 'file' ? row.sizeBytes : null,
        row,
        isPublic: await isPublicMedia(p.db, row),
      };
    } catch (err) {
      if (err instanceof StoredFileMissing) throw new NotFound('File');
      throw err;
    }
  }

  /** Deletes an upload (its uploader or an admin): the row is kept as a tombstone, the files go. */
  async function remove(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
    const row = await q.findLiveMedia(p.db, id);
    if (!row) throw new NotFound('File');
    if (row.ownerId !== actor.id && actor.role !== 'admin') {
      if (await canViewMedia(p.db, actor, row)) throw new Forbidden('Only the person who uploaded this file can delete it.');
      throw new NotFound('File');
    }
    const deleted = await p.db.transaction(async (tx) => {
      const gone = await q.softDeleteMedia(tx, id, p.clock.now());
      if (!gone) throw new NotFound('File');
      await q.detachFromPets(tx, id);
      await audit(tx, { actorId: actor.id, action: 'media.delete', targetType: 'media', targetId: id, ...meta, details: { purpose: gone.purpose } });
      return gone;
    });
    await removeFiles([deleted.storageKey, deleted.thumbnailKey]);
  }

  /** Removes the files of rows deleted in `exec`'s transaction; call after it committed. */
  async function removeFiles(keys: (string | null)[]): Promise<void> {
    for (const key of keys) {
      if (!key) continue;
      try {
        await p.storage.delete(key);
      } catch (err) {
        // The row is already gone or was never written; an orphaned file is only wasted space.
        p.log.warn({ err, key }, 'could not delete a stored file');
      }
    }
  }

  /** Soft-deletes media rows inside `tx`; returns their keys for `removeFiles` after commit. */
  async function deleteInTx(tx: Executor, ids: string[]): Promise<string[]> {
    const keys: string[] = [];
    for (const id of ids) {
      const gone = await q.softDeleteMedia(tx, id, p.clock.now());
      if (gone) keys.push(gone.storageKey, ...(gone.thumbnailKey ? [gone.thumbnailKey] : []));
    }
    return keys;
  }

  return { prepare, store, upload, open, remove, removeFiles, deleteInTx };
}
export type MediaService = ReturnType<typeof createMediaService>;
