import { and, count, eq, gt, isNull } from 'drizzle-orm';
import { petCoOwners, petInvitations, pets, users } from '@walkydoggy/shared/db';
import { PET_INVITATION_DAYS } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import { AppError, Conflict, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import { hashToken, newToken } from '../../platform/tokens.js';
import type { PetViews } from './pets.service.js';

const MAX_PENDING_INVITATIONS = 10;
const invalidLink = () => new AppError(400, 'TOKEN_INVALID', 'This invitation is not valid or was already used. Ask for a new one.');

type Deps = Pick<Platform, 'db' | 'clock' | 'queue' | 'config'> & { views: PetViews };

/** Sharing a pet: the primary owner invites by e-mail, the invitee accepts with the account of that address. */
export function createCoOwnersService(p: Deps) {
  async function invite(actor: Actor, petId: string, email: string, meta: RequestMeta) {
    const now = p.clock.now();
    return p.db.transaction(async (tx) => {
      const pet = await p.views.visible(tx, actor.id, petId, true);
      if (pet.ownerId !== actor.id) throw new Forbidden('Only the primary owner can invite co-owners.');
      const [inviter] = await tx.select().from(users).where(eq(users.id, actor.id));
      if (inviter!.email.toLowerCase() === email.toLowerCase()) throw ValidationFailed.field('body.email', 'You already own this pet.');
      const [already] = await tx
        .select({ userId: petCoOwners.userId })
        .from(petCoOwners)
        .innerJoin(users, eq(users.id, petCoOwners.userId))
        .where(and(eq(petCoOwners.petId, petId), eq(users.email, email)));
      if (already) throw new Conflict('This person is already a co-owner of this pet.');
      // A new invitation to the same address replaces the open one: only the newest link works.
      const open = and(eq(petInvitations.petId, petId), isNull(petInvitations.acceptedAt), isNull(petInvitations.revokedAt));
      await tx
        .update(petInvitations)
        .set({ revokedAt: now })
        .where(and(open, eq(petInvitations.email, email)));
      const [pending] = await tx
        .select({ n: count() })
        .from(petInvitations)
        .where(and(open, gt(petInvitations.expiresAt, now)));
      if (pending!.n >= MAX_PENDING_INVITATIONS) throw new Conflict(`This pet already has ${MAX_PENDING_INVITATIONS} open invitations.`);
      const { token, hash } = newToken();
      const expiresAt = new Date(now.getTime() + PET_INVITATION_DAYS * 24 * 60 * 60 * 1000);
      const [invitation] = await tx
        .insert(petInvitations)
        .values({ petId, email, tokenHash: hash, invitedBy: actor.id, expiresAt, createdAt: now })
        .returning();
      // An address without an account gets the same mail: the link leads to sign-up first.
      await p.queue.enqueue(tx, 'mail.send', {
        to: email,
        template: 'pet-co-owner-invite',
        inviterName: `${inviter!.firstName} ${inviter!.lastName}`.trim(),
        petName: pet.name,
        link: `${p.config.publicUrl}/invitations/pet?token=${encodeURIComponent(token)}`,
      });
      await audit(tx, {
        actorId: actor.id,
        action: 'pet.co_owner.invite',
        targetType: 'pet',
        targetId: petId,
        ...meta,
        details: { invitationId: invitation!.id },
      });
      return { invitationId: invitation!.id, email: invitation!.email, expiresAt: expiresAt.toISOString() };
    });
  }

  async function accept(actor: Actor, token: string, meta: RequestMeta) {
    const now = p.clock.now();
    return p.db.transaction(async (tx) => {
      const [invitation] = await tx
        .select()
        .from(petInvitations)
        .where(eq(petInvitations.tokenHash, hashToken(token)))
        .for('update');
      if (!invitation || invitation.acceptedAt || invitation.revokedAt) throw invalidLink();
      if (invitation.expiresAt <= now) throw new AppError(400, 'TOKEN_EXPIRED', 'This invitation has expired. Ask the owner for a new one.');
      const [user] = await tx.select().from(users).where(eq(users.id, actor.id));
      if (!user || user.email.toLowerCase() !== invitation.email.toLowerCase())
        throw new Forbidden('This invitation was sent to another e-mail address. Sign in with that address to accept it.');
      const [pet] = await tx
        .select()
        .from(pets)
        .where(and(eq(pets.id, invitation.petId), isNull(pets.deletedAt)));
      if (!pet) throw invalidLink();
      if (pet.ownerId !== actor.id)
        await tx.insert(petCoOwners).values({ petId: pet.id, userId: actor.id, invitedBy: invitation.invitedBy, createdAt: now }).onConflictDoNothing();
      await tx.update(petInvitations).set({ acceptedAt: now, acceptedBy: actor.id }).where(eq(petInvitations.id, invitation.id));
      await audit(tx, {
        actorId: actor.id,
        action: 'pet.co_owner.accept',
        targetType: 'pet',
        targetId: pet.id,
        ...meta,
        details: { invitationId: invitation.id },
      });
      return p.views.view(tx, pet, actor.id);
    });
  }

  /** The primary owner removes a co-owner, or a co-owner leaves. */
  async function remove(actor: Actor, petId: string, userId: string, meta: RequestMeta) {
    await p.db.transaction(async (tx) => {
      const pet = await p.views.visible(tx, actor.id, petId, true);
      if (pet.ownerId !== actor.id && userId !== actor.id) throw new Forbidden('Only the primary owner can remove other co-owners.');
      const removed = await tx
        .delete(petCoOwners)
        .where(and(eq(petCoOwners.petId, petId), eq(petCoOwners.userId, userId)))
        .returning({ userId: petCoOwners.userId });
      if (!removed.length) throw new NotFound('Co-owner');
      await audit(tx, { actorId: actor.id, action: 'pet.co_owner.remove', targetType: 'pet', targetId: petId, ...meta, details: { userId } });
    });
  }

  return { invite, accept, remove };
}
