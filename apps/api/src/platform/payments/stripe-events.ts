import crypto from 'node:crypto';
import { z } from 'zod';
import { inputProblem } from '@walkydoggy/shared';
import { HANDLED_EVENT_TYPES, type ProviderEvent, type VerifiedWebhook } from './provider.js';

/*
 * A signed Stripe event, read into the part of it we use. The signature only says Stripe sent these
 * bytes; what they hold is checked here, field by field, against the subset of the API we depend on.
 * An event that is signed but unusable (not JSON, `data.object` missing, an amount as a string, a type
 * we do not handle) is not an error to throw: it is stored as it came, answered 2xx so Stripe stops
 * retrying, and logged (payments.webhooks.ts).
 */

const id = z.string().min(1).max(255);
/** An expandable field: the id, the expanded object, or nothing. */
const ref = z
  .union([id, z.looseObject({ id })])
  .nullish()
  .transform((v) => (v == null ? null : typeof v === 'string' ? v : v.id));
const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const status = z.string().max(64).nullish();
const refundId = z
  .looseObject({ refundId: z.string().max(255).optional() })
  .nullish()
  .transform((m) => m?.refundId ?? null);

const intentObject = z.looseObject({ id, latest_charge: ref, last_payment_error: z.looseObject({ message: z.string().max(2000).nullish() }).nullish() });
const refundObject = z.looseObject({ id, payment_intent: ref, amount, status, metadata: refundId });
/** A refund as both refund events carry it (`pending` until Stripe says). */
const refundOf = (r: z.infer<typeof refundObject>) => ({ id: r.id, amountMinor: r.amount, status: r.status ?? 'pending', refundId: r.metadata });
const chargeObject = z.looseObject({
  id,
  payment_intent: ref,
  amount_refunded: amount,
  refunds: z.looseObject({ data: z.array(refundObject).max(1000) }).nullish(),
});
const accountObject = z.looseObject({
  id,
  charges_enabled: z.boolean().nullish(),
  payouts_enabled: z.boolean().nullish(),
  details_submitted: z.boolean().nullish(),
});
const eventEnvelope = z.looseObject({ id, type: z.string().min(1).max(255), data: z.looseObject({ object: z.unknown() }) });

function toEvent(eventId: string, type: (typeof HANDLED_EVENT_TYPES)[number], object: unknown): ProviderEvent {
  switch (type) {
    case 'payment_intent.amount_capturable_updated':
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled': {
      const pi = intentObject.parse(object);
      return { id: eventId, type, intent: { id: pi.id, chargeId: pi.latest_charge, failureReason: pi.last_payment_error?.message ?? null } };
    }
    case 'charge.refunded': {
      const charge = chargeObject.parse(object);
      return {
        id: eventId,
        type,
        charge: {
          id: charge.id,
          intentId: charge.payment_intent,
          amountRefundedMinor: charge.amount_refunded,
          refunds: (charge.refunds?.data ?? []).map(refundOf),
        },
      };
    }
    case 'refund.updated': {
      const r = refundObject.parse(object);
      return {
        id: eventId,
        type,
        refund: { ...refundOf(r), intentId: r.payment_intent },
      };
    }
    case 'account.updated': {
      const a = accountObject.parse(object);
      return {
        id: eventId,
        type,
        account: {
          id: a.id,
          chargesEnabled: Boolean(a.charges_enabled),
          payoutsEnabled: Boolean(a.payouts_enabled),
          detailsSubmitted: Boolean(a.details_submitted),
        },
      };
    }
  }
}

/** Why an issue list made an object unusable, in one line for the log. */
const describe = (error: z.ZodError) =>
  error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');

/** The event in `rawBody` (already verified as Stripe's), or why it cannot be used. */
export function readStripeEvent(rawBody: Buffer): VerifiedWebhook {
  // An event without a usable id is stored under the hash of its bytes: a redelivery of it is still a duplicate.
  const bytesId = `unusable_${crypto.createHash('sha256').update(rawBody).digest('hex').slice(0, 32)}`;
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { id: bytesId, type: 'unknown', payload: { unusable: 'not JSON' }, event: null, problem: 'the body is not JSON' };
  }
  // PostgreSQL's jsonb cannot hold NUL or broken Unicode: keep a note instead of the body.
  const textProblem = inputProblem(payload, 64);
  if (textProblem) return { id: bytesId, type: 'unknown', payload: { unusable: textProblem.message }, event: null, problem: textProblem.message };
  const envelope = eventEnvelope.safeParse(payload);
  if (!envelope.success) {
    const given = payload as { id?: unknown; type?: unknown } | null;
    const keptId = id.safeParse(given?.id).success ? (given!.id as string) : bytesId;
    const type = z.string().min(1).max(255).safeParse(given?.type).data ?? 'unknown';
    return { id: keptId, type, payload, event: null, problem: `not an event: ${describe(envelope.error)}` };
  }
  const { id: eventId, type } = envelope.data;
  if (!(HANDLED_EVENT_TYPES as readonly string[]).includes(type))
    return { id: eventId, type, payload, event: null, problem: `events of type ${type} are not handled` };
  try {
    return { id: eventId, type, payload, event: toEvent(eventId, type as (typeof HANDLED_EVENT_TYPES)[number], envelope.data.data.object), problem: null };
  } catch (err) {
    if (err instanceof z.ZodError) return { id: eventId, type, payload, event: null, problem: `data.object: ${describe(err)}` };
    throw err;
  }
}
