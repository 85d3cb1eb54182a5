/**
 * Paying a booking or tipping after it: which provider the server uses, the payment intent, and the
 * simulated provider's "Confirm test payment" step. Stripe's card form lives in StripePayment.vue.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { IntentResponse, Payment, PaymentsConfig } from '@walkydoggy/shared';
import { newIdempotencyKey } from '../api/bookings';
import { ApiError } from '../api/client';
import { paymentsApi } from '../api/payments';

// Kept for the tab's life: a reload of the pay page re-sends the same key and gets the same intent
// (with its Stripe client secret) instead of a 409 for a second live payment.
const KEY_PREFIX = 'walkydoggy.payment-intent.';

function intentKey(bookingId: string): string {
  try {
    const stored = sessionStorage.getItem(KEY_PREFIX + bookingId);
    if (stored) return stored;
    const key = newIdempotencyKey();
    sessionStorage.setItem(KEY_PREFIX + bookingId, key);
    return key;
  } catch {
    return newIdempotencyKey();
  }
}

function forgetKey(bookingId: string): void {
  try {
    sessionStorage.removeItem(KEY_PREFIX + bookingId);
  } catch {
    // Storage blocked: nothing was kept either.
  }
}

export const usePaymentStore = defineStore('payment', () => {
  const config = ref<PaymentsConfig | null>(null);
  const intent = ref<IntentResponse | null>(null);
  const payment = ref<Payment | null>(null);
  // One tip the person is giving: a retry of the same amount re-sends its key, so a lost answer never tips twice.
  let tipAttempt: { bookingId: string; amountMinor: number; key: string } | null = null;

  /** Stripe Elements only when the server uses Stripe and gave a publishable key; otherwise the test step. */
  const usesStripe = computed(() => config.value?.provider === 'stripe' && !!config.value.publishableKey);

  async function loadConfig(): Promise<PaymentsConfig> {
    config.value ??= await paymentsApi.config();
    return config.value;
  }

  /**
   * The booking's payment intent. A 409 means a live payment exists already (made in another tab):
   * with the simulated provider it is found through the payments list and confirmed from there.
   */
  async function start(bookingId: string): Promise<IntentResponse> {
    try {
      intent.value = (await paymentsApi.intent(bookingId, intentKey(bookingId))).data;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 409) throw err;
      const live = ((await paymentsApi.list(bookingId)).data ?? []).find((p) => p.kind === 'booking' && !['failed', 'cancelled'].includes(p.status));
      if (!live) throw err;
      intent.value = { payment: live, clientSecret: null, testMode: live.provider === 'simulated' };
    }
    payment.value = intent.value.payment;
    return intent.value;
  }

  /** A tip's payment intent (the booking must be completed); it is captured as soon as it is confirmed. */
  async function startTip(bookingId: string, amountMinor: number): Promise<IntentResponse> {
    if (tipAttempt?.bookingId !== bookingId || tipAttempt.amountMinor !== amountMinor) tipAttempt = { bookingId, amountMinor, key: newIdempotencyKey() };
    intent.value = (await paymentsApi.tip(bookingId, amountMinor, tipAttempt.key)).data;
    payment.value = intent.value.payment;
    return intent.value;
  }

  /** The simulated card step, or (Stripe) reading back what Stripe.js confirmed. */
  async function confirm(bookingId: string): Promise<Payment> {
    if (!payment.value) throw new Error('No payment started');
    payment.value = (await paymentsApi.confirm(payment.value.id)).data;
    if (payment.value.status !== 'pending') {
      // Settled either way: a next tip, or the booking's next payment after a reprice, is a new request.
      if (payment.value.kind === 'tip') tipAttempt = null;
      else forgetKey(bookingId);
    }
    return payment.value;
  }

  function reset() {
    intent.value = null;
    payment.value = null;
  }

  return { config, intent, payment, usesStripe, loadConfig, start, startTip, confirm, reset };
});
