import { eq } from 'drizzle-orm';
import { users } from '@walkydoggy/shared/db';
import { passwordProblem, WORKER_INVITATION_DAYS, type AcceptWorkerInvitationBody, type FieldError } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import type { Executor } from '../../platform/db.js';
import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed } from '../../platform/errors.js';
import { hashToken, newToken } from '../../platform/tokens.js';
import { bumpSessionVersion, findUserByEmail, findUserById } from '../auth/auth.queries.js';
import type { IssuedSession, Sessions } from '../auth/auth.sessions.js';
import { ownedBusiness } from '../businesses/business-access.js';
import * as q from './workers.queries.js';

type Deps = Pick<Platform, 'db' | 'clock' | 'queue' | 'passwords' | 'config'> & { sessions: Pick<Sessions, 'issue'> };

const INVITATION_MS = WORKER_INVITATION_DAYS * 24 * 60 * 60 * 1000;

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === '23505' || e.cause?.code === '23505';
}

export function createWorkerInvitations(p: Deps) {
  /** The invitation of a token if it can still be accepted; otherwise why not. */
  async function usableInvitation(exec: Executor, token: string, lock = false) {
    const row = await q.invitationByHash(exec, hashToken(token), lock);
    if (!row || row.businessDeleted) throw new BadRequest('This invitation link is not valid.', 'TOKEN_INVALID');
    if (row.invitation.acceptedAt) throw new BadRequest('This invitation was already accepted.', 'TOKEN_INVALID');
    if (row.invitation.revokedAt) throw new BadRequest('This invitation was withdrawn by the business.', 'TOKEN_INVALID');
    if (row.invitation.expiresAt <= p.clock.now()) throw new BadRequest('This invitation has expired. Ask the business for a new one.', 'TOKEN_EXPIRED');
    return row;
  }

  async function invite(actor: Actor, businessId: string, email: string, meta: RequestMeta) {
    return p.db.transaction(async (tx) => {
      const business = await ownedBusiness(tx, businessId, actor);
      if (await q.activeWorkerByEmail(tx, businessId, email)) throw new Conflict('This person already works for your business.');
      const now = p.clock.now();
      await q.revokeOpenInvitations(tx, businessId, email, now);
      const { token, hash } = newToken();
      const invitation = await q.insertInvitation(tx, {
        businessId,
        email,
        tokenHash: hash,
        invitedBy: actor.id,
        expiresAt: new Date(now.getTime() + INVITATION_MS),
      });
      const inviter = await findUserById(tx, actor.id);
      await p.queue.enqueue(tx, 'mail.send', {
        to: email,
        template: 'worker-invite',
        businessName: business.name,
        inviterName: inviter ? `${inviter.firstName} ${inviter.lastName}` : business.name,
        link: `${p.config.publicUrl}/invitations/worker?token=${encodeURIComponent(token)}`,
      });
      await audit(tx, {
        actorId: actor.id,
        action: 'worker.invite',
        targetType: 'business',
        targetId: businessId,
        ...meta,
        details: { invitationId: invitation.id },
      });
      return { invitationId: invitation.id, email: invitation.email, expiresAt: invitation.expiresAt.toISOString() };
    });
  }

  async function pending(actor: Actor, businessId: string) {
    await ownedBusiness(p.db, businessId, actor);
    const rows = await q.pendingInvitations(p.db, businessId, p.clock.now());
    return rows.map((r) => ({ id: r.id, email: r.email, expiresAt: r.expiresAt.toISOString(), createdAt: r.createdAt.toISOString() }));
  }

  async function revoke(actor: Actor, businessId: string, invitationId: string) {
    await ownedBusiness(p.db, businessId, actor);
    if (!(await q.revokeInvitation(p.db, businessId, invitationId, p.clock.now()))) throw new NotFound('Invitation');
  }

  async function info(token: string) {
    const { invitation, businessName } = await usableInvitation(p.db, token);
    const account = await findUserByEmail(p.db, invitation.email);
    return {
      businessName,
      email: invitation.email,
      accountExists: Boolean(account && account.status !== 'deleted'),
      expiresAt: invitation.expiresAt.toISOString(),
    };
  }

  /**
   * Joins the business. Without an account for the invited address, one is created (the link proves
   * the address); with one, the caller must be signed in as it and free to become a worker.
   */
  async function accept(body: AcceptWorkerInvitationBody, viewer: Actor | null, meta: RequestMeta): Promise<IssuedSession> {
    const { invitation } = await usableInvitation(p.db, body.token);
    const existing = await findUserByEmail(p.db, invitation.email);
    let newAccount: { firstName: string; lastName: string; passwordHash: string } | null = null;
    if (!existing) {
      const missing: FieldError[] = [];
      if (!body.firstName) missing.push({ path: 'body.firstName', message: 'First name is required.' });
      if (!body.lastName) missing.push({ path: 'body.lastName', message: 'Last name is required.' });
      const problem = body.password ? passwordProblem(body.password, invitation.email) : { message: 'Choose a password.' };
      if (problem) missing.push({ path: 'body.password', message: problem.message });
      if (missing.length) throw new ValidationFailed('Create your account: some fields are missing or not valid.', missing);
      newAccount = { firstName: body.firstName!, lastName: body.lastName!, passwordHash: await p.passwords.hash(body.password!) };
    } else {
      if (!viewer) throw new Unauthorized(`Sign in as ${invitation.email} to accept this invitation.`);
      if (viewer.id !== existing.id) throw new Forbidden(`This invitation is for ${invitation.email}. Sign in with that account to accept it.`);
      if (!['pet_owner', 'worker'].includes(existing.role)) throw new Conflict('Business, admin and support accounts cannot join a business as a worker.');
      if (await q.activeWorkerOfUser(p.db, existing.id)) throw new Conflict('You already work for a business: leave it before joining another one.');
    }

    try {
      return await p.db.transaction(async (tx) => {
        const { invitation: locked } = await usableInvitation(tx, body.token, true);
        const now = p.clock.now();
        let userId: string;
        if (newAccount) {
          const [created] = await tx
            .insert(users)
            .values({ email: locked.email, role: 'worker', emailVerifiedAt: now, ...newAccount })
            .returning({ id: users.id });
          userId = created!.id;
        } else {
          userId = existing!.id;
          // The role is in every access token: the old ones must not outlive the change.
          await tx
            .update(users)
            .set({ role: 'worker', emailVerifiedAt: existing!.emailVerifiedAt ?? now, updatedAt: now })
            .where(eq(users.id, userId));
          await bumpSessionVersion(tx, userId, now);
        }
        const workerId = await q.insertWorker(tx, userId, locked.businessId);
        await q.markInvitationAccepted(tx, locked.id, userId, now);
        await audit(tx, {
          actorId: userId,
          action: 'worker.join',
          targetType: 'worker',
          targetId: workerId,
          ...meta,
          details: { businessId: locked.businessId, invitationId: locked.id, newAccount: Boolean(newAccount) },
        });
        return p.sessions.issue(tx, userId, meta);
      });
    } catch (err) {
      // Two acceptances racing: the account or the one-business-per-worker index caught the second.
      if (isUniqueViolation(err)) throw new Conflict('This account already exists or already works for a business.');
      throw err;
    }
  }

  return { invite, pending, revoke, info, accept };
}
export type WorkerInvitations = ReturnType<typeof createWorkerInvitations>;
