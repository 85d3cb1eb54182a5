import Stripe from 'stripe';
import { readStripeEvent } from './stripe-events.js';
import { WebhookRejected, type IntentStatus, type PaymentProvider, type ProviderAccount, type ProviderIntent } from './provider.js';

export type StripeSettings = { secretKey: string; webhookSecret: string; publishableKey: string; apiUrl: string | null };

/** Stripe signs webhooks with a timestamp; older deliveries are refused (replays). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const idOf = (v: string | { id: string } | null | undefined) => (v == null ? null : typeof v === 'string' ? v : v.id);

function statusOf(status: Stripe.PaymentIntent.Status): IntentStatus {
  switch (status) {
    case 'requires_capture':
      return 'authorized';
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'cancelled';
    default:
      // requires_payment_method, requires_confirmation, requires_action, processing: not paid yet.
      return 'pending';
  }
}

function toIntent(pi: Stripe.PaymentIntent): ProviderIntent {
  return {
    id: pi.id,
    status: statusOf(pi.status),
    chargeId: idOf(pi.latest_charge),
    clientSecret: pi.client_secret,
    failureReason: pi.last_payment_error?.message ?? null,
  };
}

function toAccount(a: Stripe.Account): ProviderAccount {
  return { id: a.id, chargesEnabled: Boolean(a.charges_enabled), payoutsEnabled: Boolean(a.payouts_enabled), detailsSubmitted: Boolean(a.details_submitted) };
}

/** Stripe Connect: destination charges with the platform fee as `application_fee_amount`. */
export function createStripeProvider(settings: StripeSettings): PaymentProvider {
  const api = settings.apiUrl ? new URL(settings.apiUrl) : null;
  const stripe = new Stripe(settings.secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'WalkyDoggy' },
    ...(api
      ? {
          host: api.hostname,
          port: api.port || (api.protocol === 'http:' ? 80 : 443),
          protocol: api.protocol === 'http:' ? ('http' as const) : ('https' as const),
        }
      : {}),
  });

  async function retrieve(id: string) {
    return toIntent(await stripe.paymentIntents.retrieve(id));
  }

  return {
    name: 'stripe',
    testMode: settings.secretKey.includes('_test_'),
    publishableKey: settings.publishableKey,
    requiresPayoutAccount: true,

    async createIntent(input) {
      const pi = await stripe.paymentIntents.create(
        {
          amount: input.amountMinor,
          currency: input.currency.toLowerCase(),
          capture_method: input.captureMethod,
          // Cards and wallets confirmed in place by Stripe.js: the web app has no redirect flow.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          description: input.description,
          metadata: input.metadata,
          ...(input.destinationAccount
            ? {
                transfer_data: { destination: input.destinationAccount },
                ...(input.applicationFeeMinor > 0 ? { application_fee_amount: input.applicationFeeMinor } : {}),
              }
            : {}),
        },
        { idempotencyKey: input.idempotencyKey },
      );
      return toIntent(pi);
    },
    confirmIntent: (ref) => retrieve(ref.intentId),
    async capture(ref, idempotencyKey) {
      return toIntent(await stripe.paymentIntents.capture(ref.intentId, {}, { idempotencyKey }));
    },
    async cancel(ref, idempotencyKey) {
      try {
        return toIntent(await stripe.paymentIntents.cancel(ref.intentId, {}, { idempotencyKey }));
      } catch (err) {
        // Already cancelled, or captured meanwhile: the intent's state is the answer.
        if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'payment_intent_unexpected_state') return retrieve(ref.intentId);
        throw err;
      }
    },
    async refund(input) {
      const refund = await stripe.refunds.create(
        {
          payment_intent: input.intentId,
          amount: input.amountMinor,
          // The fee goes back in proportion, and the business's share is taken back from its account.
          refund_application_fee: true,
          reverse_transfer: true,
          metadata: input.metadata,
        },
        { idempotencyKey: input.idempotencyKey },
      );
      const status = refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' || refund.status === 'canceled' ? 'failed' : 'pending';
      return { id: refund.id, status };
    },

    async createAccount(input) {
      const account = await stripe.accounts.create(
        {
          type: 'express',
          ...(input.country ? { country: input.country } : {}),
          ...(input.email ? { email: input.email } : {}),
          capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
          metadata: { businessId: input.businessId },
        },
        { idempotencyKey: input.idempotencyKey },
      );
      return toAccount(account);
    },
    async retrieveAccount(accountId) {
      return toAccount(await stripe.accounts.retrieve(accountId));
    },
    async onboardingLink(input) {
      const link = await stripe.accountLinks.create({
        account: input.accountId,
        refresh_url: input.refreshUrl,
        return_url: input.returnUrl,
        type: 'account_onboarding',
      });
      return link.url;
    },

    parseWebhook(rawBody, signature, receivedAt) {
      if (!signature) throw new WebhookRejected('The Stripe-Signature header is missing.');
      try {
        // The age is measured against our clock (milliseconds), so tests and servers agree on "now".
        stripe.webhooks.signature!.verifyHeader(rawBody, signature, settings.webhookSecret, WEBHOOK_TOLERANCE_SECONDS, undefined, receivedAt.getTime());
      } catch (err) {
        throw new WebhookRejected(`The webhook signature is not valid: ${(err as Error).message}`);
      }
      return readStripeEvent(rawBody);
    },
  };
}
