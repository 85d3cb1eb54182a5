import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { earningsQuerySchema, earningsSchema, okEnvelope, onboardingResponseSchema, payoutAccountSchema } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { createEarningsService } from './payments.earnings.js';
import { createPayoutsService } from './payments.payouts.js';

const params = z.object({ id: z.uuid() });

/** A business's side of payments: its payout account and what it earned. */
export function registerBusinessPaymentRoutes(app: FastifyInstance, p: Platform) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const payouts = createPayoutsService(p);
  const earnings = createEarningsService(p, payouts);
  const tags = ['payments', 'businesses'];
  const security = [{ bearerAuth: [] }];
  const { authenticate, requireVerifiedEmail } = p.guard;
  const ok = <T>(data: T) => ({ success: true as const, data });

  r.post(
    '/businesses/:id/payouts/onboarding',
    {
      preHandler: [authenticate, requireVerifiedEmail],
      schema: {
        tags,
        operationId: 'startPayoutOnboarding',
        summary: "Creates the business's payout account once and returns the provider's onboarding link",
        security,
        params,
        response: { 200: okEnvelope(onboardingResponseSchema) },
      },
    },
    async (request) => ok(await payouts.onboarding(request.actor, request.params.id)),
  );

  r.post(
    '/businesses/:id/payouts/simulated-complete',
    {
      preHandler: [authenticate, requireVerifiedEmail],
      schema: {
        tags,
        operationId: 'completeSimulatedPayoutOnboarding',
        summary: "Simulated provider only: stands in for the provider's onboarding form and enables the account",
        security,
        params,
        response: { 200: okEnvelope(payoutAccountSchema) },
      },
    },
    async (request) => ok(await payouts.completeSimulated(request.actor, request.params.id)),
  );

  r.get(
    '/businesses/:id/payouts',
    {
      preHandler: [authenticate],
      schema: { tags, operationId: 'getPayoutAccount', security, params, response: { 200: okEnvelope(payoutAccountSchema.nullable()) } },
    },
    async (request) => ok(await payouts.status(request.actor, request.params.id)),
  );

  r.get(
    '/businesses/:id/earnings',
    {
      preHandler: [authenticate],
      schema: {
        tags,
        operationId: 'getBusinessEarnings',
        summary: 'Totals and payouts of the payments taken in a period (dates in the business time zone, inclusive; default the last 30 days)',
        security,
        params,
        querystring: earningsQuerySchema,
        response: { 200: okEnvelope(earningsSchema) },
      },
    },
    async (request) => ok(await earnings(request.actor, request.params.id, request.query)),
  );
}
