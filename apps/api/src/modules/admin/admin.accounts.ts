import { eq, sql } from 'drizzle-orm';
import { users } from '@walkydoggy/shared/db';
import type { Database } from '../../platform/db.js';
import type { Queue } from '../../platform/queue.js';
import { audit } from '../../platform/audit.js';
import { newToken } from '../../platform/tokens.js';
import { insertEmailToken, revokeAllRefreshTokens } from '../auth/auth.queries.js';

const INVITE_MS = 24 * 60 * 60 * 1000;

/**
 * Makes `email` an admin: promotes an existing account (its sessions end, so the new role applies
 * at once) or creates one without a password and returns a single-use link to choose it. There is
 * never a default admin password.
 */
export async function createAdmin(
  deps: { database: Database; queue: Queue; publicUrl: string; now?: () => Date },
  input: { email: string; firstName?: string; lastName?: string },
): Promise<{ userId: string; created: boolean; setPasswordLink: string | null }> {
  const now = deps.now ?? (() => new Date());
  return deps.database.db.transaction(async (tx) => {
    const [existing] = await tx.select().from(users).where(eq(users.email, input.email)).for('update');
    if (existing && existing.status !== 'active') throw new Error(`The account ${input.email} is ${existing.status}; it cannot be made an admin.`);
    if (existing) {
      if (existing.role !== 'admin') {
        await tx
          .update(users)
          .set({ role: 'admin', sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: now() })
          .where(eq(users.id, existing.id));
        await revokeAllRefreshTokens(tx, existing.id, now());
        await audit(tx, {
          actorId: null,
          action: 'user.role_changed',
          targetType: 'user',
          targetId: existing.id,
          details: { from: existing.role, to: 'admin', via: 'admin:create' },
        });
      }
      return { userId: existing.id, created: false, setPasswordLink: null };
    }
    const [user] = await tx
      .insert(users)
      .values({
        email: input.email,
        role: 'admin',
        firstName: input.firstName ?? 'Admin',
        lastName: input.lastName ?? '',
        passwordHash: null,
        emailVerifiedAt: now(),
      })
      .returning({ id: users.id });
    const { token, hash } = newToken();
    await insertEmailToken(tx, { userId: user!.id, purpose: 'reset_password', tokenHash: hash, expiresAt: new Date(now().getTime() + INVITE_MS) });
    const link = `${deps.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
    await deps.queue.enqueue(tx, 'mail.send', { to: input.email, template: 'admin-invite', link });
    await audit(tx, {
      actorId: null,
      action: 'user.role_changed',
      targetType: 'user',
      targetId: user!.id,
      details: { from: null, to: 'admin', via: 'admin:create' },
    });
    return { userId: user!.id, created: true, setPasswordLink: link };
  });
}
