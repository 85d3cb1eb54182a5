/** Payments of bookings, a business's payouts account and earnings, and the payment provider the server uses. */
import type { Earnings, IntentResponse, OnboardingResponse, Payment, PaymentsConfig, PayoutAccount } from '@walkydoggy/shared';
import { api, queryString } from './client';

export const paymentsApi = {
  /** `GET /v1/config` carries the provider; an older server without it means the simulated one. */
  config: async (): Promise<PaymentsConfig> => {
    const { data } = await api.get<{ payments?: PaymentsConfig }>('/config', { auth: false });
    return data?.payments ?? { provider: 'simulated', publishableKey: null };
  },
  intent: (bookingId: string, idempotencyKey?: string) =>
    api.post<IntentResponse>('/payments/intent', { bookingId }, idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : undefined),
  tip: (bookingId: string, amountMinor: number) => api.post<IntentResponse>('/payments/intent', { bookingId, kind: 'tip', amountMinor }),
  /** The simulated provider's card step; with Stripe it re-reads the intent after Stripe.js confirmed it. */
  confirm: (paymentId: string) => api.post<Payment>('/payments/confirm', { paymentId }),
  list: (bookingId?: string) => api.get<Payment[]>(`/payments${queryString({ bookingId })}`),
  get: (id: string) => api.get<Payment>(`/payments/${id}`),
};

export const payoutsApi = {
  status: (businessId: string) => api.get<PayoutAccount | null>(`/businesses/${businessId}/payouts`),
  onboarding: (businessId: string) => api.post<OnboardingResponse>(`/businesses/${businessId}/payouts/onboarding`),
  /** The simulated provider's stand-in for the provider's onboarding form: marks the account ready. */
  completeSimulated: (businessId: string) => api.post<PayoutAccount>(`/businesses/${businessId}/payouts/simulated-complete`),
  earnings: (businessId: string, from?: string, to?: string) => api.get<Earnings>(`/businesses/${businessId}/earnings${queryString({ from, to })}`),
};
