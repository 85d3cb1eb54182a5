import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import { auditLog, emailTokens, media, recoveryCodes, refreshTokens, userPlaces, users } from '@walkydoggy/shared/db';
import type { Platform } from '../../platform/platform.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import { Conflict, NotFound, ValidationFailed } from '../../platform/errors.js';
import { listPlaces, toPlaceView } from './places.queries.js';
import { avatarUrlOf, toUserView } from './users.view.js';

type Deps = Pick<Platform, 'db' | 'clock' | 'queue' | 'passwords' | 'settings'> & { realtime: Pick<Platform['realtime'], 'accountsChanged'> };

export function createUsersService(p: Deps) {
  async function load(userId: string) {
    const user = await p.db.query.users.findFirst({ where: and(eq(users.id, userId), eq(users.status, 'active')) });
    if (!user) throw new NotFound('Account');
    return user;
  }

  async function me(userId: string) {
    return toUserView(await load(userId), await p.settings.get());
  }

  async function update(userId: string, patch: { firstName?: string; lastName?: string; phone?: string | null }, meta: RequestMeta) {
    const updated = await p.db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ ...patch, updatedAt: p.clock.now() })
        .where(and(eq(users.id, userId), eq(users.status, 'active')))
        .returning();
      if (!row) throw new NotFound('Account');
      await audit(tx, { actorId: userId, action: 'user.update', targetType: 'user', targetId: userId, ...meta, details: { fields: Object.keys(patch) } });
      return row;
    });
    return toUserView(updated, await p.settings.get());
  }

  /**
   * Soft-deletes now (the account stops working at once) and erases personal data in a job. The
   * last admin cannot leave, or nobody could run the platform.
   */
  async function remove(userId: string, password: string, meta: RequestMeta) {
    const user = await load(userId);
    if (!(await p.passwords.verify(user.passwordHash, password))) throw ValidationFailed.field('body.password', 'Your password is not correct.');
    await p.db.transaction(async (tx) => {
      if (user.role === 'admin') {
        // Lock the admin rows so two admins deleting themselves at once cannot both pass the check.
        const admins = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.role, 'admin'), eq(users.status, 'active')))
          .for('update');
        if (admins.length <= 1) throw new Conflict('You are the last admin. Make someone else an admin before deleting your account.');
      }
      const now = p.clock.now();
      await tx
        .update(users)
        .set({ status: 'deleted', deletedAt: now, updatedAt: now, sessionVersion: sql`${users.sessionVersion} + 1` })
        .where(eq(users.id, userId));
      await tx
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
      await p.queue.enqueue(tx, 'mail.send', { to: user.email, template: 'account-deleted', firstName: user.firstName });
      await p.queue.enqueue(tx, 'user.erase', { userId });
      await audit(tx, { actorId: userId, action: 'user.deleted', targetType: 'user', targetId: userId, ...meta });
    });
    p.realtime.accountsChanged([userId]);
  }

  /** Everything we hold about the person, as one JSON document (GDPR art. 15 and 20). */
  async function exportData(userId: string) {
    const user = await load(userId);
    const [sessions, activity, codes, places] = await Promise.all([
      p.db
        .select({
          createdAt: refreshTokens.createdAt,
          expiresAt: refreshTokens.expiresAt,
          usedAt: refreshTokens.usedAt,
          revokedAt: refreshTokens.revokedAt,
          userAgent: refreshTokens.userAgent,
          ip: refreshTokens.ip,
        })
        .from(refreshTokens)
        .where(eq(refreshTokens.userId, userId))
        .orderBy(desc(refreshTokens.createdAt)),
      p.db
        .select({ action: auditLog.action, at: auditLog.createdAt, ip: auditLog.ip, userAgent: auditLog.userAgent, details: auditLog.details })
        .from(auditLog)
        .where(or(eq(auditLog.actorId, userId), and(eq(auditLog.targetType, 'user'), eq(auditLog.targetId, userId))))
        .orderBy(desc(auditLog.createdAt)),
      p.db.select({ usedAt: recoveryCodes.usedAt }).from(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
      listPlaces(p.db, userId),
    ]);
    return {
      exportedAt: p.clock.now().toISOString(),
      account: {
        id: user.id,
        email: user.email,
        firstName: user.firstName,
        lastName: user.lastName,
        phone: user.phone,
        avatarUrl: avatarUrlOf(user.avatarMediaId),
        role: user.role,
        emailVerifiedAt: user.emailVerifiedAt?.toISOString() ?? null,
        createdAt: user.createdAt.toISOString(),
        updatedAt: user.updatedAt.toISOString(),
        lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
      },
      twoFactor: {
        enabled: user.totpEnabledAt !== null,
        enabledAt: user.totpEnabledAt?.toISOString() ?? null,
        recoveryCodesRemaining: codes.filter((c) => !c.usedAt).length,
      },
      sessions: sessions.map((s) => ({
        ...s,
        createdAt: s.createdAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        usedAt: s.usedAt?.toISOString() ?? null,
        revokedAt: s.revokedAt?.toISOString() ?? null,
      })),
      savedPlaces: places.map(toPlaceView),
      activity: activity.map((a) => ({ ...a, at: a.at.toISOString() })),
    };
  }

  return { me, update, remove, exportData };
}

/** The erasure job: replaces personal data with placeholders; safe to run twice. */
export function eraseUserJob(p: Pick<Platform, 'db' | 'clock' | 'storage'>) {
  return async ({ userId }: { userId: string }) => {
    const fileKeys: string[] = [];
    await p.db.transaction(async (tx) => {
      const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
      if (!user || user.status !== 'deleted' || user.erasedAt) return;
      const now = p.clock.now();
      if (user.avatarMediaId) {
        const [gone] = await tx
          .update(media)
          .set({ deletedAt: now })
          .where(and(eq(media.id, user.avatarMediaId), isNull(media.deletedAt)))
          .returning();
        if (gone) fileKeys.push(gone.storageKey, ...(gone.thumbnailKey ? [gone.thumbnailKey] : []));
      }
      await tx
        .update(users)
        .set({
          email: `deleted-${user.id}@deleted.invalid`,
          firstName: 'Deleted',
          lastName: 'user',
          phone: null,
          avatarMediaId: null,
          passwordHash: null,
          totpSecret: null,
          totpPendingSecret: null,
          totpEnabledAt: null,
          totpLastStep: null,
          erasedAt: now,
          updatedAt: now,
        })
        .where(eq(users.id, userId));
      await tx.delete(emailTokens).where(eq(emailTokens.userId, userId));
      await tx.delete(refreshTokens).where(eq(refreshTokens.userId, userId));
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
      await tx.delete(userPlaces).where(eq(userPlaces.userId, userId));
      // Keep the audit trail of what happened, without where from.
      await tx
        .update(auditLog)
        .set({ ip: null, userAgent: null })
        .where(or(eq(auditLog.actorId, userId), and(eq(auditLog.targetType, 'user'), eq(auditLog.targetId, userId))));
      await audit(tx, { actorId: null, action: 'user.erased', targetType: 'user', targetId: userId });
    });
    // After commit: a file left behind by a failed delete is only wasted space, never reachable (row deleted).
    for (const key of fileKeys) await p.storage.delete(key).catch(() => undefined);
  };
}
