import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  confirmPaymentBodySchema,
  createIntentBodySchema,
  intentResponseSchema,
  invoiceQuerySchema,
  listPaymentsQuerySchema,
  okEnvelope,
  pageEnvelope,
  paymentIdParamsSchema,
  paymentSchema,
  refundBodySchema,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { idempotencyKeyOf } from '../../platform/idempotency.js';
import { requestMeta } from '../auth/auth.routes.js';
import { registerBusinessPaymentRoutes } from './payments.business.routes.js';
import { createInvoiceService, invoiceHtml, invoicePdf } from './payments.invoice.js';
import { createPaymentsService } from './payments.service.js';
import { webhooksPlugin } from './payments.webhooks.js';

export function paymentsModule(p: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    const service = createPaymentsService(p);
    const invoices = createInvoiceService(p);
    const tags = ['payments'];
    const security = [{ bearerAuth: [] }];
    const { authenticate } = p.guard;
    const ok = <T>(data: T) => ({ success: true as const, data });
    const params = paymentIdParamsSchema;

    app.post(
      '/payments/intent',
      {
        preHandler: [authenticate],
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags,
          operationId: 'createPaymentIntent',
          summary: "Starts paying a booking's total (authorised now, captured on confirmation) or a tip after completion",
          security,
          body: createIntentBodySchema,
          response: { 201: okEnvelope(intentResponseSchema) },
        },
      },
      async (request, reply) => {
        const result = await service.createIntent(request.actor, request.body, idempotencyKeyOf(request));
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(201).send(ok(result.body));
      },
    );

    app.post(
      '/payments/confirm',
      {
        preHandler: [authenticate],
        schema: {
          tags,
          operationId: 'confirmPayment',
          summary: "The simulated provider's card step; with Stripe, reads back the intent Stripe.js confirmed",
          security,
          body: confirmPaymentBodySchema,
          response: { 200: okEnvelope(paymentSchema) },
        },
      },
      async (request) => ok(await service.confirm(request.actor, request.body.paymentId)),
    );

    app.get(
      '/payments',
      {
        preHandler: [authenticate],
        schema: {
          tags,
          operationId: 'listPayments',
          summary: "The caller's payments as payer, their businesses' as owner, all as admin; newest first",
          security,
          querystring: listPaymentsQuerySchema,
          response: { 200: pageEnvelope(paymentSchema) },
        },
      },
      async (request) => ({ success: true as const, ...(await service.list(request.actor, request.query)) }),
    );

    app.get(
      '/payments/:id',
      { preHandler: [authenticate], schema: { tags, operationId: 'getPayment', security, params, response: { 200: okEnvelope(paymentSchema) } } },
      async (request) => ok(await service.get(request.actor, request.params.id)),
    );

    app.post(
      '/payments/:id/refund',
      {
        preHandler: [authenticate],
        schema: {
          tags,
          operationId: 'refundPayment',
          summary: 'A refund by the business (goodwill) or an admin (override), up to what remains',
          security,
          params,
          body: refundBodySchema,
          response: { 200: okEnvelope(paymentSchema) },
        },
      },
      async (request) => ok(await service.refund(request.actor, request.params.id, request.body, requestMeta(request))),
    );

    app.get(
      '/payments/:id/invoice',
      {
        preHandler: [authenticate],
        schema: {
          tags,
          operationId: 'getPaymentInvoice',
          summary: 'The invoice of a paid payment, as HTML (default) or PDF',
          security,
          params,
          querystring: invoiceQuerySchema,
        },
      },
      async (request, reply) => {
        const invoice = await invoices.invoiceOf(request.actor, request.params.id);
        reply.header('cache-control', 'private, no-store');
        if (request.query.format === 'pdf')
          return reply
            .type('application/pdf')
            .header('content-disposition', `inline; filename="${invoice.number}.pdf"`)
            .send(await invoicePdf(invoice));
        return reply.type('text/html; charset=utf-8').send(invoiceHtml(invoice));
      },
    );

    registerBusinessPaymentRoutes(app, p);
    await app.register(webhooksPlugin(p));
  };
}
