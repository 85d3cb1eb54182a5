import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  changePasswordBodySchema,
  emailBodySchema,
  loginBodySchema,
  loginResultSchema,
  loginTwoFactorBodySchema,
  messageEnvelope,
  okEnvelope,
  recoveryCodesSchema,
  registerBodySchema,
  resetPasswordBodySchema,
  sessionSchema,
  tokenBodySchema,
  twoFactorDisableBodySchema,
  twoFactorEnableBodySchema,
  twoFactorSetupSchema,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { RequestMeta } from '../../platform/audit.js';
import { createAuthService } from './auth.service.js';
import { clearSessionCookies, createSessions, REFRESH_COOKIE, setSessionCookies, type IssuedSession } from './auth.sessions.js';
import { createTwoFactor } from './auth.two-factor.js';

export const requestMeta = (request: FastifyRequest): RequestMeta => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });

const accepted = (message: string) => ({ success: true as const, message });
const codeBody = z.object({ code: twoFactorEnableBodySchema.shape.code });

export function authModule(p: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    const sessions = createSessions(p);
    const twoFactor = createTwoFactor({ ...p, jwt: app.jwt });
    const auth = createAuthService({ ...p, sessions, twoFactor });
    const tags = ['auth'];
    const security = [{ bearerAuth: [] }];
    // Stricter than the global limit: these routes are what credential stuffing hammers.
    const strict = { rateLimit: { max: p.config.rateLimit.authMax, timeWindow: '1 minute' } };
    const signedIn = { preHandler: p.guard.authenticate, config: { ...strict, allowPendingTwoFactor: true } };

    function sendSession(reply: FastifyReply, session: IssuedSession) {
      const { refreshToken, ...rest } = session;
      setSessionCookies(reply, refreshToken, p.config.cookieSecure);
      return rest;
    }
    const clearCookie = (reply: FastifyReply) => clearSessionCookies(reply, p.config.cookieSecure);

    app.post(
      '/auth/register',
      {
        config: strict,
        schema: {
          tags,
          operationId: 'register',
          summary: 'Create a pet-owner or business account',
          body: registerBodySchema,
          response: { 202: messageEnvelope },
        },
      },
      async (request, reply) => {
        await auth.register(request.body, requestMeta(request));
        return reply.status(202).send(accepted('Check your e-mail: we sent you a link to confirm your address.'));
      },
    );

    app.post(
      '/auth/verify-email',
      { config: strict, schema: { tags, operationId: 'verifyEmail', body: tokenBodySchema, response: { 200: messageEnvelope } } },
      async (request) => {
        await auth.verifyEmail(request.body.token, requestMeta(request));
        return accepted('Your e-mail address is confirmed.');
      },
    );

    app.post(
      '/auth/resend-verification',
      { config: strict, schema: { tags, operationId: 'resendVerification', body: emailBodySchema, response: { 202: messageEnvelope } } },
      async (request, reply) => {
        await auth.resendVerification(request.body.email);
        return reply.status(202).send(accepted('If that address has an unconfirmed account, we sent a new link.'));
      },
    );

    app.post(
      '/auth/login',
      { config: strict, schema: { tags, operationId: 'login', body: loginBodySchema, response: { 200: okEnvelope(loginResultSchema) } } },
      async (request, reply) => {
        const result = await auth.login(request.body.email, request.body.password, requestMeta(request));
        if (result.twoFactorRequired) return { success: true as const, data: result };
        return { success: true as const, data: { ...sendSession(reply, result), twoFactorRequired: false as const } };
      },
    );

    app.post(
      '/auth/login/2fa',
      { config: strict, schema: { tags, operationId: 'loginTwoFactor', body: loginTwoFactorBodySchema, response: { 200: okEnvelope(loginResultSchema) } } },
      async (request, reply) => {
        const session = await auth.loginTwoFactor(request.body, requestMeta(request));
        return { success: true as const, data: { ...sendSession(reply, session), twoFactorRequired: false as const } };
      },
    );

    app.post(
      '/auth/refresh-token',
      {
        config: strict,
        schema: {
          tags,
          operationId: 'refreshToken',
          summary: 'Rotate the refresh-token cookie and get a new access token',
          response: { 200: okEnvelope(sessionSchema) },
        },
      },
      async (request, reply) => {
        try {
          return { success: true as const, data: sendSession(reply, await sessions.refresh(request.cookies[REFRESH_COOKIE], requestMeta(request))) };
        } catch (err) {
          clearCookie(reply);
          throw err;
        }
      },
    );

    app.post('/auth/logout', { schema: { tags, operationId: 'logout', response: { 200: messageEnvelope } } }, async (request, reply) => {
      await sessions.signOut(request.cookies[REFRESH_COOKIE], requestMeta(request));
      clearCookie(reply);
      return accepted('You are signed out.');
    });

    app.post(
      '/auth/forgot-password',
      { config: strict, schema: { tags, operationId: 'forgotPassword', body: emailBodySchema, response: { 202: messageEnvelope } } },
      async (request, reply) => {
        await auth.forgotPassword(request.body.email);
        return reply.status(202).send(accepted('If an account exists for that address, we sent a link to reset the password.'));
      },
    );

    app.post(
      '/auth/reset-password',
      { config: strict, schema: { tags, operationId: 'resetPassword', body: resetPasswordBodySchema, response: { 200: messageEnvelope } } },
      async (request) => {
        await auth.resetPassword(request.body.token, request.body.password, requestMeta(request));
        return accepted('Your password was changed. Sign in with the new one.');
      },
    );

    app.put(
      '/users/me/password',
      {
        ...signedIn,
        schema: { tags: ['users'], operationId: 'changePassword', security, body: changePasswordBodySchema, response: { 200: okEnvelope(sessionSchema) } },
      },
      async (request, reply) => {
        const session = await auth.changePassword(request.actor.id, request.body.currentPassword, request.body.newPassword, requestMeta(request));
        return { success: true as const, data: sendSession(reply, session), message: 'Password changed. Your other devices were signed out.' };
      },
    );

    app.post(
      '/auth/2fa/setup',
      { ...signedIn, schema: { tags, operationId: 'twoFactorSetup', security, response: { 200: okEnvelope(twoFactorSetupSchema) } } },
      async (request) => ({ success: true as const, data: await twoFactor.setup(request.actor.id) }),
    );

    app.post(
      '/auth/2fa/enable',
      {
        ...signedIn,
        schema: { tags, operationId: 'twoFactorEnable', security, body: twoFactorEnableBodySchema, response: { 200: okEnvelope(recoveryCodesSchema) } },
      },
      async (request) => ({
        success: true as const,
        data: { recoveryCodes: await twoFactor.enable(request.actor.id, request.body.code, requestMeta(request)) },
      }),
    );

    app.post(
      '/auth/2fa/disable',
      { ...signedIn, schema: { tags, operationId: 'twoFactorDisable', security, body: twoFactorDisableBodySchema, response: { 200: messageEnvelope } } },
      async (request) => {
        await twoFactor.disable(request.actor.id, request.body, requestMeta(request), p.passwords);
        return accepted('Two-factor sign-in is off.');
      },
    );

    app.post(
      '/auth/2fa/recovery-codes',
      { ...signedIn, schema: { tags, operationId: 'twoFactorRecoveryCodes', security, body: codeBody, response: { 200: okEnvelope(recoveryCodesSchema) } } },
      async (request) => ({
        success: true as const,
        data: { recoveryCodes: await twoFactor.regenerateRecoveryCodes(request.actor.id, request.body.code, requestMeta(request)) },
      }),
    );
  };
}
