import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * A local stand-in for the Stripe API endpoints WalkyDoggy calls, for the real `stripe` SDK pointed at
 * it (`host`/`port`/`protocol`). Like Stripe it reads form-encoded bodies with bracketed keys, answers
 * Stripe-shaped JSON objects and errors, checks the secret key, and honours `Idempotency-Key` (the same
 * key answers the first response again; with other parameters it is an `idempotency_error`). Every
 * request is recorded so tests can assert on what was sent. Test controls stand in for what happens
 * outside the API: the card confirmed by Stripe.js, the onboarding form, signed webhook events.
 */

type Json = Record<string, unknown>;
export type RecordedRequest = { method: string; path: string; body: Json; idempotencyKey: string | null; replayed: boolean };

export type FakeIntent = {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  application_fee_amount: number | null;
  capture_method: string;
  client_secret: string;
  created: number;
  currency: string;
  description: string | null;
  last_payment_error: { message: string; type: string } | null;
  latest_charge: string | null;
  livemode: false;
  metadata: Record<string, string>;
  status: string;
  transfer_data: { destination: string } | null;
  cancellation_reason: string | null;
};
export type FakeCharge = {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  paid: boolean;
  refunded: boolean;
  payment_intent: string;
  refunds: { object: 'list'; data: FakeRefund[]; has_more: false; url: string };
  created: number;
};
export type FakeRefund = {
  id: string;
  object: 'refund';
  amount: number;
  charge: string;
  payment_intent: string;
  status: string;
  metadata: Record<string, string>;
  created: number;
};
export type FakeAccount = {
  id: string;
  object: 'account';
  type: string;
  email: string | null;
  country: string | null;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  metadata: Record<string, string>;
  capabilities: Record<string, string>;
  created: number;
};

class StripeFail extends Error {
  constructor(
    readonly status: number,
    readonly body: { type: string; message: string; code?: string; param?: string },
  ) {
    super(body.message);
  }
}

/** `a[b][0]=x&a[b][1]=y&c=z` → `{ a: { b: ['x', 'y'] }, c: 'z' }`, as Stripe reads its form bodies. */
export function parseStripeForm(body: string): Json {
  const out: Json = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const [head, ...rest] = rawKey.split('[');
    const path = [head!, ...rest.map((k) => k.replace(/\]$/, ''))];
    let node: Record<string, unknown> = out;
    path.forEach((key, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d*$/.test(path[i + 1]!);
      if (Array.isArray(node)) key = key === '' ? String(node.length) : key;
      if (last) node[key] = value;
      else node = (node[key] ??= nextIsIndex ? [] : {}) as Record<string, unknown>;
    });
  }
  return out;
}

const now = () => Math.floor(Date.now() / 1000);
const rid = (prefix: string) => `${prefix}_${crypto.randomBytes(12).toString('hex')}`;
const int = (v: unknown, param: string) => {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n)) throw new StripeFail(400, { type: 'invalid_request_error', message: `Invalid integer: ${String(v)}`, param });
  return n;
};
const missing = (kind: string, id: string, param = 'id') =>
  new StripeFail(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'`, param });
const unexpectedState = (pi: FakeIntent, action: string) =>
  new StripeFail(400, {
    type: 'invalid_request_error',
    code: 'payment_intent_unexpected_state',
    message: `This PaymentIntent could not be ${action} because it has a status of ${pi.status}.`,
  });

export async function startFakeStripe(opts: { secretKey?: string } = {}) {
  const secretKey = opts.secretKey ?? 'sk_test_fake';
  const intents = new Map<string, FakeIntent>();
  const charges = new Map<string, FakeCharge>();
  const refunds = new Map<string, FakeRefund>();
  const accounts = new Map<string, FakeAccount>();
  const idempotency = new Map<string, { paramsHash: string; path: string; status: number; json: unknown }>();
  const requests: RecordedRequest[] = [];
  /** Errors to answer instead of the next calls of a path pattern (outages, declines). */
  const failures: { pattern: RegExp; status: number; error: StripeFail['body'] }[] = [];

  const intentOf = (id: string) => {
    const pi = intents.get(id);
    if (!pi) throw missing('payment_intent', id, 'intent');
    return pi;
  };
  const accountOf = (id: string) => {
    const a = accounts.get(id);
    if (!a) throw missing('account', id, 'account');
    return a;
  };

  function capture(pi: FakeIntent, amountToCapture = pi.amount) {
    const charge: FakeCharge = {
      id: rid('ch'),
      object: 'charge',
      amount: pi.amount,
      amount_captured: amountToCapture,
      amount_refunded: 0,
      captured: true,
      paid: true,
      refunded: false,
      payment_intent: pi.id,
      refunds: { object: 'list', data: [], has_more: false, url: '' },
      created: now(),
    };
    charges.set(charge.id, charge);
    Object.assign(pi, { status: 'succeeded', amount_received: amountToCapture, amount_capturable: 0, latest_charge: charge.id });
  }

  function route(method: string, path: string, body: Json): unknown {
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/payment_intents') {
      const amount = int(body.amount, 'amount');
      if (amount < 50)
        throw new StripeFail(400, { type: 'invalid_request_error', code: 'amount_too_small', message: 'Amount must be at least 50 cents', param: 'amount' });
      if (typeof body.currency !== 'string')
        throw new StripeFail(400, { type: 'invalid_request_error', message: 'Missing required param: currency.', param: 'currency' });
      const transfer = body.transfer_data as Json | undefined;
      if (transfer?.destination) accountOf(String(transfer.destination));
      const id = rid('pi');
      const pi: FakeIntent = {
        id,
        object: 'payment_intent',
        amount,
        amount_capturable: 0,
        amount_received: 0,
        application_fee_amount: body.application_fee_amount === undefined ? null : int(body.application_fee_amount, 'application_fee_amount'),
        capture_method: String(body.capture_method ?? 'automatic_async'),
        client_secret: `${id}_secret_${crypto.randomBytes(8).toString('hex')}`,
        created: now(),
        currency: body.currency,
        description: (body.description as string | undefined) ?? null,
        last_payment_error: null,
        latest_charge: null,
        livemode: false,
        metadata: (body.metadata as Record<string, string>) ?? {},
        status: 'requires_payment_method',
        transfer_data: transfer?.destination ? { destination: String(transfer.destination) } : null,
        cancellation_reason: null,
      };
      intents.set(id, pi);
      return pi;
    }
    if (method === 'GET' && (m = path.match(/^\/v1\/payment_intents\/([^/]+)$/))) return intentOf(m[1]!);
    if (method === 'POST' && (m = path.match(/^\/v1\/payment_intents\/([^/]+)\/capture$/))) {
      const pi = intentOf(m[1]!);
      if (pi.status !== 'requires_capture') throw unexpectedState(pi, 'captured');
      capture(pi, body.amount_to_capture === undefined ? pi.amount : int(body.amount_to_capture, 'amount_to_capture'));
      return pi;
    }
    if (method === 'POST' && (m = path.match(/^\/v1\/payment_intents\/([^/]+)\/cancel$/))) {
      const pi = intentOf(m[1]!);
      if (!['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action'].includes(pi.status))
        throw unexpectedState(pi, 'canceled');
      Object.assign(pi, { status: 'canceled', amount_capturable: 0, cancellation_reason: (body.cancellation_reason as string) ?? 'requested_by_customer' });
      return pi;
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const pi = intentOf(String(body.payment_intent));
      if (pi.status !== 'succeeded' || !pi.latest_charge)
        throw new StripeFail(400, {
          type: 'invalid_request_error',
          code: 'charge_not_captured',
          message: `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
        });
      const charge = charges.get(pi.latest_charge)!;
      const remaining = charge.amount_captured - charge.amount_refunded;
      const amount = body.amount === undefined ? remaining : int(body.amount, 'amount');
      if (amount <= 0 || amount > remaining)
        throw new StripeFail(400, {
          type: 'invalid_request_error',
          code: 'amount_too_large',
          message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
          param: 'amount',
        });
      const refund: FakeRefund = {
        id: rid('re'),
        object: 'refund',
        amount,
        charge: charge.id,
        payment_intent: pi.id,
        status: 'succeeded',
        metadata: (body.metadata as Record<string, string>) ?? {},
        created: now(),
      };
      refunds.set(refund.id, refund);
      charge.amount_refunded += amount;
      charge.refunded = charge.amount_refunded === charge.amount_captured;
      charge.refunds.data.unshift(refund);
      return refund;
    }
    if (method === 'POST' && path === '/v1/accounts') {
      const account: FakeAccount = {
        id: rid('acct'),
        object: 'account',
        type: String(body.type ?? 'standard'),
        email: (body.email as string | undefined) ?? null,
        country: (body.country as string | undefined) ?? 'US',
        charges_enabled: false,
        payouts_enabled: false,
        details_submitted: false,
        metadata: (body.metadata as Record<string, string>) ?? {},
        capabilities: Object.fromEntries(Object.keys((body.capabilities as Json) ?? {}).map((k) => [k, 'inactive'])),
        created: now(),
      };
      accounts.set(account.id, account);
      return account;
    }
    if (method === 'GET' && (m = path.match(/^\/v1\/accounts\/([^/]+)$/))) return accountOf(m[1]!);
    if (method === 'POST' && path === '/v1/account_links') {
      const account = accountOf(String(body.account));
      for (const param of ['refresh_url', 'return_url', 'type'])
        if (!body[param]) throw new StripeFail(400, { type: 'invalid_request_error', message: `Missing required param: ${param}.`, param });
      return {
        object: 'account_link',
        created: now(),
        expires_at: now() + 300,
        url: `https://connect.stripe.test/setup/e/${account.id}/${crypto.randomBytes(6).toString('hex')}`,
      };
    }
    throw new StripeFail(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` });
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = req.method === 'GET' ? parseStripeForm(url.search.slice(1)) : parseStripeForm(raw);
      const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
      const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, body, idempotencyKey: key, replayed: false };
      requests.push(record);
      const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': rid('req'), ...headers });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== `Bearer ${secretKey}`)
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });

      const paramsHash = crypto.createHash('sha256').update(raw).digest('hex');
      if (key && req.method === 'POST') {
        const seen = idempotency.get(key);
        if (seen) {
          if (seen.paramsHash !== paramsHash || seen.path !== url.pathname)
            return send(400, {
              error: {
                type: 'idempotency_error',
                message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
              },
            });
          record.replayed = true;
          return send(seen.status, seen.json, { 'idempotent-replayed': 'true' });
        }
      }
      let status = 200;
      let json: unknown;
      const failure = failures.findIndex((f) => f.pattern.test(`${req.method} ${url.pathname}`));
      if (failure >= 0) {
        const [f] = failures.splice(failure, 1);
        status = f!.status;
        json = { error: f!.error };
      } else {
        try {
          // A snapshot, so a replay answers the object as it was, as Stripe does.
          json = JSON.parse(JSON.stringify(route(req.method ?? 'GET', url.pathname, body)));
        } catch (err) {
          if (!(err instanceof StripeFail)) throw err;
          status = err.status;
          json = { error: err.body };
        }
      }
      // Stripe keeps the answer of a key unless the request failed before it was processed (5xx).
      if (key && req.method === 'POST' && status < 500) idempotency.set(key, { paramsHash, path: url.pathname, status, json });
      send(status, json);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const signer = new Stripe(secretKey);

  let eventSeq = 0;
  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    requests,
    intents,
    charges,
    accounts,
    refunds,
    /** Recorded requests to a path (regexp or exact), in order. */
    sent(method: string, path: string | RegExp) {
      return requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
    },
    /** Answers the next request matching `METHOD /path` with this error. */
    failNext(pattern: RegExp, status: number, error: StripeFail['body']) {
      failures.push({ pattern, status, error });
    },
    /** What Stripe.js does when the customer confirms the card: authorised (manual capture) or charged. */
    confirmCard(intentId: string) {
      const pi = intentOf(intentId);
      if (pi.capture_method === 'manual') Object.assign(pi, { status: 'requires_capture', amount_capturable: pi.amount });
      else capture(pi);
      return pi;
    },
    declineCard(intentId: string, message = 'Your card was declined.') {
      const pi = intentOf(intentId);
      Object.assign(pi, { status: 'requires_payment_method', last_payment_error: { message, type: 'card_error' } });
      return pi;
    },
    /** Captures at Stripe without our API (a capture whose answer we never recorded, or the dashboard). */
    captureNow(intentId: string) {
      const pi = intentOf(intentId);
      if (pi.status !== 'requires_capture' && pi.status !== 'requires_payment_method') throw unexpectedState(pi, 'captured');
      capture(pi);
      return pi;
    },
    /** A refund made in the Stripe dashboard (no metadata of ours). */
    refundNow(intentId: string, amount: number) {
      return route('POST', '/v1/refunds', { payment_intent: intentId, amount: String(amount) }) as FakeRefund;
    },
    chargeOf(intentId: string) {
      return charges.get(intentOf(intentId).latest_charge!)!;
    },
    /** The owner finished the Express onboarding form. */
    completeOnboarding(accountId: string) {
      return Object.assign(accountOf(accountId), { charges_enabled: true, payouts_enabled: true, details_submitted: true });
    },
    /** A Stripe event about an object, as its webhook would deliver it. */
    event(type: string, object: unknown, id = `evt_${++eventSeq}_${crypto.randomBytes(6).toString('hex')}`) {
      return {
        id,
        object: 'event',
        api_version: Stripe.API_VERSION,
        created: now(),
        data: { object: JSON.parse(JSON.stringify(object)) as unknown },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
      };
    },
    /** The body and Stripe-Signature header of a delivery, signed with the endpoint's secret. */
    sign(event: unknown, secret: string, timestamp = now()) {
      return this.signPayload(JSON.stringify(event), secret, timestamp);
    },
    /** The same for a body given as its exact text (not JSON, escapes JSON.stringify would not write). */
    signPayload(payload: string, secret: string, timestamp = now()) {
      return { payload, signature: signer.webhooks.generateTestHeaderString({ payload, secret, timestamp }) };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>;
