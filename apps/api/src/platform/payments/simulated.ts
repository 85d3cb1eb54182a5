import crypto from 'node:crypto';
import type { PaymentProvider, ProviderAccount, ProviderIntent } from './provider.js';

/**
 * The embedded default: no card form and no money, the same states as Stripe. It keeps no state of
 * its own — our payments row is the only record — so every answer follows from the request: ids are
 * derived from what identifies the operation (a retry gets the same id, as Stripe's idempotency keys
 * give), and each step succeeds as a well-behaved card would.
 */
export function createSimulatedProvider(): PaymentProvider {
  const digest = (s: string) => crypto.createHash('sha256').update(s).digest('hex').slice(0, 24);
  const intent = (id: string, status: ProviderIntent['status']): ProviderIntent => ({
    id,
    status,
    chargeId: status === 'succeeded' ? `sim_ch_${digest(id)}` : null,
    clientSecret: null,
    failureReason: null,
  });

  return {
    name: 'simulated',
    testMode: true,
    publishableKey: null,
    requiresPayoutAccount: false,

    async createIntent(input) {
      if (!Number.isInteger(input.amountMinor) || input.amountMinor <= 0) throw new RangeError('amountMinor must be a positive integer');
      return intent(`sim_pi_${digest(input.idempotencyKey)}`, 'pending');
    },
    async confirmIntent(ref) {
      return intent(ref.intentId, ref.captureMethod === 'manual' ? 'authorized' : 'succeeded');
    },
    async capture(ref) {
      return intent(ref.intentId, 'succeeded');
    },
    async cancel(ref) {
      return intent(ref.intentId, 'cancelled');
    },
    async refund(input) {
      if (!Number.isInteger(input.amountMinor) || input.amountMinor <= 0) throw new RangeError('amountMinor must be a positive integer');
      return { id: `sim_re_${digest(input.idempotencyKey)}`, status: 'succeeded' };
    },

    async createAccount(input): Promise<ProviderAccount> {
      return { id: `sim_acct_${digest(input.businessId)}`, chargesEnabled: false, payoutsEnabled: false, detailsSubmitted: false };
    },
    async onboardingLink(input) {
      // A page of the web app stands in for the provider's form; it calls the simulated-complete endpoint.
      const url = new URL(input.returnUrl);
      url.searchParams.set('simulated', '1');
      return url.toString();
    },
    async completeTestOnboarding(accountId) {
      return { id: accountId, chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true };
    },
  };
}
