import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Actor, AuthGuard } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { Forbidden, NotFound } from '../../platform/errors.js';
import { findVisibleBusiness, type BusinessRow } from './businesses.queries.js';

/** How the caller relates to a business they can see. */
export type BusinessAccess = 'owner' | 'admin' | 'public';

export function accessOf(row: { ownerId: string }, viewer: Actor | null): BusinessAccess {
  if (viewer && row.ownerId === viewer.id) return 'owner';
  if (viewer?.role === 'admin') return 'admin';
  return 'public';
}

/** A business the viewer may see, or 404: unverified, suspended and deleted ones are not public. */
export async function visibleBusiness(exec: Executor, id: string, viewer: Actor | null): Promise<{ business: BusinessRow; access: BusinessAccess }> {
  const business = await findVisibleBusiness(exec, id, viewer);
  if (!business) throw new NotFound('Business');
  return { business, access: accessOf(business, viewer) };
}

/** A business the actor owns: 404 when they cannot see it, 403 when they can but it is not theirs. */
export async function ownedBusiness(exec: Executor, id: string, actor: Actor): Promise<BusinessRow> {
  const { business, access } = await visibleBusiness(exec, id, actor);
  if (access !== 'owner') throw new Forbidden('Only the owner of this business can do this.');
  return business;
}

/** The signed-in caller on routes that anyone may call, or null. */
export function viewerOf(request: FastifyRequest): Actor | null {
  return (request.actor as Actor | undefined) ?? null;
}

/** Authenticates when a token is sent (a bad one is still a 401), and lets anonymous callers through. */
export function optionalAuth(guard: Pick<AuthGuard, 'authenticate'>): preHandlerAsyncHookHandler {
  return async function (request, reply) {
    if (request.headers.authorization) await guard.authenticate.call(this, request, reply);
  };
}
