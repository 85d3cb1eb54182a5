import Stripe from 'stripe';
import type { MultipartKind, Variant, WebhookKind } from './protocol.js';
import { multipart } from '../support/media-fixtures.js';
import type { FakeIntent, FakeStripe } from '../support/fake-stripe.js';
import { WEBHOOK_SECRET } from '../payments/fixtures.js';

/**
 * Variants the document cannot describe: broken multipart uploads, and signed Stripe events whose
 * content is wrong. What each must get is documented beside it.
 */

const MULTIPART: [MultipartKind, string][] = [
  ['no-boundary', 'multipart content-type without a boundary'],
  ['truncated', 'multipart body cut off in the middle of the file'],
  ['wrong-part-name', 'file sent in a part named "upload"'],
  ['empty-file', 'an empty file'],
  ['two-files', 'two file parts'],
  ['not-an-image', 'a text file named dog.png'],
  ['boundary-only', 'a boundary but no body'],
];
const PURPOSE: [MultipartKind, string][] = [
  ['missing-purpose', 'no purpose field'],
  ['bad-purpose', 'purpose "not-a-purpose"'],
  ['nul-purpose', 'purpose with a NUL byte'],
];

/**
 * Signed events (unless said otherwise), as docs/api/conventions.md ("Webhooks") has them: only what
 * Stripe did not sign is refused; a signed event that cannot be used (no data.object, an amount as a
 * string, a type not handled, not JSON) is answered 2xx so Stripe stops delivering it, and changes
 * nothing but its own row in payment_events — stored by its id, which is how a redelivery is
 * recognised. So is an event about a payment intent we do not know (made by another system on the same
 * account). A redelivery writes nothing at all.
 */
const STORED = ['payment_events'];
const WEBHOOKS: [WebhookKind, string, Variant['expect'], string[]?][] = [
  ['data-object-null', 'payment_intent.succeeded with data.object null', 'unchanged', STORED],
  ['charge-null', 'charge.refunded with data.object null', 'unchanged', STORED],
  ['refund-null', 'refund.updated with data.object null', 'unchanged', STORED],
  ['account-null', 'account.updated with data.object null', 'unchanged', STORED],
  ['data-missing', 'payment_intent.succeeded without data', 'unchanged', STORED],
  ['data-object-array', 'payment_intent.succeeded with data.object an array', 'unchanged', STORED],
  ['amount-string', 'charge.refunded of our payment with the amounts as strings', 'unchanged', STORED],
  ['unknown-type', 'an event type we do not handle', 'unchanged', STORED],
  ['invalid-json', 'signed bytes that are not JSON', 'unchanged', STORED],
  ['unknown-intent', 'payment_intent.succeeded of an intent we do not know', 'unchanged', STORED],
  ['duplicate', 'the same event delivered twice (the second is checked)', 'unchanged'],
  ['unsigned', 'no Stripe-Signature header', 'refuse'],
  ['bad-signature', 'a wrong signature', 'refuse'],
];

/**
 * Headers the routes read although the document does not name them. Signing out without a valid
 * session may be answered like any sign-out (2xx), as long as nothing changes.
 */
const HEADERS: Record<string, { name: string; values: [string, string][]; expect: Variant['expect'] }> = {
  createBooking: { name: 'idempotency-key', values: idempotencyKeys(), expect: 'refuse' },
  createBookingSeries: { name: 'idempotency-key', values: idempotencyKeys(), expect: 'refuse' },
  createPaymentIntent: { name: 'idempotency-key', values: idempotencyKeys(), expect: 'refuse' },
  refreshToken: { name: 'cookie', values: refreshCookies(), expect: 'refuse' },
  logout: { name: 'cookie', values: refreshCookies(), expect: 'unchanged' },
};
function idempotencyKeys(): [string, string][] {
  return [
    ['', 'an empty Idempotency-Key'],
    ['k'.repeat(201), 'an Idempotency-Key of 201 characters'],
    ['two words', 'an Idempotency-Key with a space'],
    ['clé-ü', 'an Idempotency-Key with non-ASCII characters'],
  ];
}
function refreshCookies(): [string, string][] {
  return [
    ['wd_refresh=', 'an empty refresh cookie'],
    ['wd_refresh=not-a-token', 'a refresh cookie that is not a token'],
    [`wd_refresh=${'x'.repeat(5000)}`, 'a refresh cookie of 5,000 characters'],
    ['wd_refresh=%E0%A4%A', 'a refresh cookie with a malformed percent-escape'],
  ];
}

export function specialVariants(op: string): Variant[] {
  const header = HEADERS[op];
  if (header)
    return header.values.map(([value, label]) => ({
      op,
      cls: 'header',
      label,
      expect: header.expect,
      mutation: { where: 'header', name: header.name, value },
    }));
  const multipartVariants = (kinds: [MultipartKind, string][]): Variant[] =>
    kinds.map(([kind, label]) => ({ op, cls: 'multipart', label, expect: 'refuse', mutation: { where: 'multipart', kind } }));
  if (op === 'uploadMedia') return multipartVariants([...MULTIPART, ...PURPOSE]);
  if (op === 'addPetPhoto') return multipartVariants(MULTIPART);
  if (op === 'stripeWebhook')
    return WEBHOOKS.map(([kind, label, expect, allowWrites]) => ({
      op,
      cls: 'webhook',
      label,
      expect,
      mutation: { where: 'webhook', kind },
      ...(allowWrites ? { allowWrites } : {}),
      ...(kind === 'duplicate' ? { prelude: true as const } : {}),
    }));
  return [];
}

export type Body = { payload: Buffer | string; headers: Record<string, string> };

/** A multipart upload (valid when `kind` is null), with the purpose field when the route takes one. */
export function uploadBody(image: Buffer, purpose: string | null, kind: MultipartKind | null): Body {
  const fields: Record<string, string> = purpose ? { purpose } : {};
  if (kind === 'missing-purpose') delete fields.purpose;
  if (kind === 'bad-purpose') fields.purpose = 'not-a-purpose';
  if (kind === 'nul-purpose') fields.purpose = 'pet\u0000photo';
  const file = {
    data: kind === 'empty-file' ? Buffer.alloc(0) : kind === 'not-an-image' ? Buffer.from('hello, not an image\n') : image,
    filename: 'dog.png',
    contentType: 'image/png',
    ...(kind === 'wrong-part-name' ? { field: 'upload' } : {}),
  };
  const form = multipart(fields, file);
  if (kind === 'two-files') {
    const boundary = form.headers['content-type'].split('boundary=')[1]!;
    const second = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="b.png"\r\ncontent-type: image/png\r\n\r\n`);
    const end = Buffer.from(`--${boundary}--\r\n`);
    return {
      payload: Buffer.concat([form.payload.subarray(0, form.payload.length - end.length), second, image, Buffer.from('\r\n'), end]),
      headers: form.headers,
    };
  }
  if (kind === 'no-boundary') return { payload: form.payload, headers: { 'content-type': 'multipart/form-data' } };
  if (kind === 'truncated') return { payload: form.payload.subarray(0, Math.floor(form.payload.length / 2)), headers: form.headers };
  if (kind === 'boundary-only') return { payload: '', headers: form.headers };
  return form;
}

let eventSeq = 0;
/** A Stripe delivery (valid when `kind` is null) about the world's payment intent, signed at the app's clock. */
export function webhookBody(fake: FakeStripe, intent: FakeIntent, now: Date, kind: WebhookKind | null, replay?: Body): Body {
  if (kind === 'duplicate' && replay) return replay;
  const id = `evt_fuzz_${++eventSeq}_${now.getTime()}`;
  let event: Record<string, unknown> = fake.event('payment_intent.amount_capturable_updated', intent, id);
  const typed = (type: string, object: unknown) => ({ ...fake.event(type, {}, id), data: { object } });
  if (kind === 'data-object-null') event = typed('payment_intent.succeeded', null);
  if (kind === 'charge-null') event = typed('charge.refunded', null);
  if (kind === 'refund-null') event = typed('refund.updated', null);
  if (kind === 'account-null') event = typed('account.updated', null);
  if (kind === 'data-object-array') event = typed('payment_intent.succeeded', []);
  if (kind === 'data-missing') {
    event = typed('payment_intent.succeeded', null);
    delete event.data;
  }
  if (kind === 'amount-string')
    event = typed('charge.refunded', {
      id: 'ch_fuzz',
      object: 'charge',
      payment_intent: intent.id,
      amount: String(intent.amount),
      amount_captured: String(intent.amount),
      amount_refunded: '500',
      refunds: { object: 'list', data: [{ id: 're_fuzz', object: 'refund', amount: '500', status: 'succeeded', payment_intent: intent.id }] },
    });
  if (kind === 'unknown-type') event = typed('customer.created', { id: 'cus_fuzz', object: 'customer' });
  if (kind === 'unknown-intent') event = fake.event('payment_intent.succeeded', { ...intent, id: `pi_fuzz_unknown_${eventSeq}` }, id);
  const signed = fake.sign(event, WEBHOOK_SECRET, Math.floor(now.getTime() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'stripe-signature': signed.signature };
  if (kind === 'unsigned') delete headers['stripe-signature'];
  if (kind === 'bad-signature') headers['stripe-signature'] = `t=${Math.floor(now.getTime() / 1000)},v1=${'de'.repeat(32)}`;
  if (kind === 'invalid-json') {
    // fake.sign serializes an object; these bytes are signed as they are, as Stripe signs what it sends.
    const payload = '{"id": "evt_fuzz_broken", "type": "payment_intent.succeeded",';
    const timestamp = Math.floor(now.getTime() / 1000);
    return { payload, headers: { ...headers, 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp }) } };
  }
  return { payload: signed.payload, headers };
}
const signer = new Stripe('sk_test_fake');
