import { eq } from 'drizzle-orm';
import { users } from '@walkydoggy/shared/db';
import type { User } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import type { Tx } from '../../platform/db.js';
import { NotFound } from '../../platform/errors.js';
import type { MediaService } from '../media/media.service.js';
import { toUserView } from './users.view.js';

type Deps = Pick<Platform, 'db' | 'settings'> & { media: Pick<MediaService, 'store' | 'deleteInTx' | 'removeFiles'> };

/**
 * A person's picture goes through the media pipeline (type sniffed, re-encoded so EXIF is gone,
 * thumbnail made) and replaces the previous one, whose files are removed after commit.
 */
export function createAvatarService(p: Deps) {
  async function replace(userId: string, mediaId: string | null, tx: Tx, meta: RequestMeta) {
    const [current] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!current || current.status !== 'active') throw new NotFound('Account');
    const [row] = await tx.update(users).set({ avatarMediaId: mediaId }).where(eq(users.id, userId)).returning();
    const keys = current.avatarMediaId && current.avatarMediaId !== mediaId ? await p.media.deleteInTx(tx, [current.avatarMediaId]) : [];
    await audit(tx, { actorId: userId, action: mediaId ? 'user.avatar.set' : 'user.avatar.remove', targetType: 'user', targetId: userId, ...meta });
    return { row: row!, keys };
  }

  async function upload(userId: string, bytes: Buffer, meta: RequestMeta): Promise<User> {
    const { attached } = await p.media.store(userId, 'avatar', bytes, (tx, media) => replace(userId, media.id, tx, meta));
    await p.media.removeFiles(attached!.keys);
    return toUserView(attached!.row, await p.settings.get());
  }

  async function remove(userId: string, meta: RequestMeta): Promise<User> {
    const { row, keys } = await p.db.transaction((tx) => replace(userId, null, tx, meta));
    await p.media.removeFiles(keys);
    return toUserView(row, await p.settings.get());
  }

  return { upload, remove };
}
