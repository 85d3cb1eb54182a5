import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import { refreshTokens, users } from '@walkydoggy/shared/db';
import { accessClaimsSchema, type AccessClaims, type Role } from '@walkydoggy/shared';
import type { Db } from './db.js';
import type { Settings } from './settings.js';
import { Forbidden, NotFound, Unauthorized } from './errors.js';

export type Actor = { id: string; role: Role; emailVerified: boolean; twoFactorEnabled: boolean; twoFactorSetupRequired: boolean };

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in caller; set by `guard.authenticate`, only read on routes that use it. */
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** Reachable by an account that a platform setting obliges to turn on 2FA and has not yet. */
    allowPendingTwoFactor?: boolean;
  }
}

export type AccessToken = AccessClaims & { typ: 'access'; iat: number; exp: number };

const invalid = () => new Unauthorized('Your session is not valid. Sign in again.', 'TOKEN_INVALID');

/**
 * The claims of a valid access token (signature, expiry, type, claims, lifetime), or the 401 the caller
 * answers with. A token signed with the right secret is still refused when it lives longer than
 * `maxLifetimeSeconds` (the configured lifetime) or does not say how long it lives: only a stolen or
 * leaked secret makes such a token, and it must not buy a session that outlives every revocation.
 */
export function verifyAccessToken(app: FastifyInstance, token: unknown, maxLifetimeSeconds: number): AccessToken {
  if (typeof token !== 'string' || !token) throw new Unauthorized();
  let claims: AccessToken;
  try {
    claims = app.jwt.verify<AccessToken>(token);
  } catch (err) {
    if ((err as { code?: string }).code === 'FAST_JWT_EXPIRED') throw new Unauthorized('Your session has expired.', 'TOKEN_EXPIRED');
    throw invalid();
  }
  if (claims.typ !== 'access' || !accessClaimsSchema.safeParse(claims).success) throw invalid();
  if (!Number.isInteger(claims.iat) || !Number.isInteger(claims.exp) || claims.exp - claims.iat > maxLifetimeSeconds) throw invalid();
  return claims;
}

/**
 * True while the token's session (its refresh-token family) has not been revoked: revoking marks every
 * token of the family, and a live family always has unrevoked ones, so the probe of the family's index
 * stops at its first row. Read in the same statement as the account.
 */
export const sessionIsLive = (sid: string) =>
  sql<boolean>`exists (select 1 from ${refreshTokens} where ${refreshTokens.familyId} = ${sid} and ${refreshTokens.revokedAt} is null)`;

export function createAuthGuard(app: FastifyInstance, deps: { db: Db; settings: Settings; accessTokenSeconds: number }) {
  function signAccessToken(claims: AccessClaims): string {
    return app.jwt.sign({ ...claims, typ: 'access' } satisfies Omit<AccessToken, 'iat' | 'exp'>, { expiresIn: deps.accessTokenSeconds });
  }

  function readClaims(request: FastifyRequest): AccessToken {
    const header = request.headers.authorization;
    return verifyAccessToken(app, header?.startsWith('Bearer ') ? header.slice(7).trim() : null, deps.accessTokenSeconds);
  }

  /** Verifies the access token and that the account still exists, is active and has revoked neither all its sessions nor this one. */
  const authenticate: preHandlerAsyncHookHandler = async (request) => {
    const claims = readClaims(request);
    const [user] = await deps.db
      .select({
        id: users.id,
        role: users.role,
        status: users.status,
        sv: users.sessionVersion,
        verified: users.emailVerifiedAt,
        totp: users.totpEnabledAt,
        live: sessionIsLive(claims.sid),
      })
      .from(users)
      .where(eq(users.id, claims.sub));
    if (!user || user.status !== 'active' || user.sv !== claims.sv || !user.live)
      throw new Unauthorized('Your session has ended. Sign in again.', 'TOKEN_INVALID');
    const settings = user.role === 'business' && !user.totp ? await deps.settings.get() : null;
    const actor: Actor = {
      id: user.id,
      role: user.role,
      emailVerified: user.verified !== null,
      twoFactorEnabled: user.totp !== null,
      twoFactorSetupRequired: Boolean(settings?.requireTwoFactorForBusiness),
    };
    if (actor.twoFactorSetupRequired && !request.routeOptions.config.allowPendingTwoFactor)
      throw new Forbidden('Turn on two-factor sign-in in your profile first: it is required for business accounts.', 'TWO_FACTOR_REQUIRED');
    request.actor = actor;
  };

  function requireRole(...roles: Role[]): preHandlerAsyncHookHandler {
    return async (request) => {
      if (!roles.includes(request.actor.role)) throw new Forbidden();
    };
  }

  /** For actions that need a confirmed e-mail address: booking, publishing. */
  const requireVerifiedEmail: preHandlerAsyncHookHandler = async (request) => {
    if (!request.actor.emailVerified) throw new Forbidden('Confirm your e-mail address first: we sent you a link.', 'EMAIL_NOT_VERIFIED');
  };

  return { authenticate, requireRole, requireVerifiedEmail, signAccessToken };
}
export type AuthGuard = ReturnType<typeof createAuthGuard>;

/**
 * Resource scoping for later modules: a record owned by someone else is reported as missing, not
 * forbidden, so that ids cannot be probed. Staff roles given in `staff` may act on anyone's.
 */
export function assertOwnerOrStaff(actor: Actor, ownerId: string | null | undefined, what: string, staff: Role[] = ['admin']) {
  if (ownerId === actor.id || staff.includes(actor.role)) return;
  throw new NotFound(what);
}
