/**
 * What the payments module needs from a payment provider. Two adapters implement it: `simulated`
 * (the embedded default: the same states, no card form, clearly test mode) and `stripe` (Stripe
 * Connect destination charges). Business code never asks which one it talks to, only what it can do.
 *
 * Every call that moves money takes an idempotency key, so a job that runs twice asks the provider
 * twice with the same key and gets the same answer instead of moving the money twice.
 */

export type ProviderName = 'simulated' | 'stripe';

/** A payment intent's state in our words (Stripe: requires_* → pending, requires_capture → authorized). */
export type IntentStatus = 'pending' | 'authorized' | 'succeeded' | 'cancelled';

export type ProviderIntent = {
  id: string;
  status: IntentStatus;
  /** The charge that captured the money, once there is one. */
  chargeId: string | null;
  /** For the browser (Stripe.js); null with the simulated provider. */
  clientSecret: string | null;
  /** Why the last attempt failed, when it did (the intent can still be paid with another card). */
  failureReason: string | null;
};

export type CreateIntentInput = {
  amountMinor: number;
  currency: string;
  /** `manual`: authorise now, capture when the business confirms; `automatic`: charge at once (tips). */
  captureMethod: 'manual' | 'automatic';
  /** The platform's fee, kept from the charge; the rest goes to the destination. */
  applicationFeeMinor: number;
  /** The business's connected account, or null when the provider needs none (simulated). */
  destinationAccount: string | null;
  description: string;
  metadata: Record<string, string>;
  idempotencyKey: string;
};

/** `captureMethod` lets a stateless provider answer what the card step leads to. */
export type IntentRef = { intentId: string; captureMethod: 'manual' | 'automatic' };

export type ProviderRefund = { id: string; status: 'pending' | 'succeeded' | 'failed' };

export type ProviderAccount = { id: string; chargesEnabled: boolean; payoutsEnabled: boolean; detailsSubmitted: boolean };

/** A verified provider event, reduced to what we act on. */
export type ProviderEvent =
  | { id: string; type: IntentEventType; intent: { id: string; chargeId: string | null; failureReason: string | null } }
  | {
      id: string;
      type: 'charge.refunded';
      charge: {
        id: string;
        intentId: string | null;
        amountRefundedMinor: number;
        refunds: { id: string; amountMinor: number; status: string; refundId: string | null }[];
      };
    }
  | { id: string; type: 'refund.updated'; refund: { id: string; intentId: string | null; amountMinor: number; status: string; refundId: string | null } }
  | { id: string; type: 'account.updated'; account: ProviderAccount };

export type IntentEventType =
  'payment_intent.amount_capturable_updated' | 'payment_intent.succeeded' | 'payment_intent.payment_failed' | 'payment_intent.canceled';

export const HANDLED_EVENT_TYPES = [
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'charge.refunded',
  'refund.updated',
  'account.updated',
] as const;

/**
 * A webhook the provider signed: its id and type, the body to keep, and the event we act on — or
 * null, with the reason, when the body is not something we can use (stored and acknowledged anyway).
 */
export type VerifiedWebhook = { id: string; type: string; payload: unknown; event: ProviderEvent | null; problem: string | null };

/** A webhook that is not signed by the provider, or whose signature is too old. */
export class WebhookRejected extends Error {}

export type PaymentProvider = {
  readonly name: ProviderName;
  /** True when no real money can move (the simulation, or Stripe test keys). */
  readonly testMode: boolean;
  /** Stripe.js key for the web app; null for the simulation. */
  readonly publishableKey: string | null;
  /** Card payments need the business's connected account (Stripe Connect destination). */
  readonly requiresPayoutAccount: boolean;

  createIntent(input: CreateIntentInput): Promise<ProviderIntent>;
  /**
   * The card step. Simulated: the test confirmation, the intent becomes authorised (manual capture)
   * or succeeded (automatic). Stripe: the card was confirmed by Stripe.js in the browser; this reads
   * the intent's state back.
   */
  confirmIntent(ref: IntentRef): Promise<ProviderIntent>;
  capture(ref: IntentRef, idempotencyKey: string): Promise<ProviderIntent>;
  /**
   * Releases an authorisation or abandons an unpaid intent. When the intent was captured meanwhile
   * the answer says `succeeded` (nothing was cancelled: the caller must refund instead).
   */
  cancel(ref: IntentRef, idempotencyKey: string): Promise<ProviderIntent>;
  /** Refunds part of a captured intent; the platform fee goes back in proportion, the transfer is reversed. */
  refund(input: { intentId: string; amountMinor: number; metadata: Record<string, string>; idempotencyKey: string }): Promise<ProviderRefund>;

  /** Creates the business's payout account (once: the key is per business). */
  createAccount(input: { businessId: string; email: string | null; country: string | null; idempotencyKey: string }): Promise<ProviderAccount>;
  /** The account's current flags at the provider; absent when our row is the only record (simulated). */
  retrieveAccount?(accountId: string): Promise<ProviderAccount>;
  /** Where the business owner completes onboarding. */
  onboardingLink(input: { accountId: string; businessId: string; returnUrl: string; refreshUrl: string }): Promise<string>;
  /** The simulation's stand-in for the provider's onboarding form; absent when a real form exists. */
  completeTestOnboarding?(accountId: string): Promise<ProviderAccount>;

  /**
   * Verifies a webhook's signature (raw body, signature header) and reads it; throws WebhookRejected
   * only when it is not the provider's. Absent: no webhooks.
   */
  parseWebhook?(rawBody: Buffer, signature: string | undefined, receivedAt: Date): VerifiedWebhook;
};
