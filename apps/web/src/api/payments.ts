/** Payments of bookings, a business's payouts account and earnings, and the payment provider the server uses. */
import type { Earnings, IntentResponse, OnboardingResponse, Payment, PaymentsConfig, PayoutAccount, RefundBody } from '@walkydoggy/shared';
import { api, queryString } from './client';

export const paymentsApi = {
  /** `GET /v1/config` carries the provider; an older server without it means the simulated one. */
  config: async (): Promise<PaymentsConfig> => {
    const { data } = await api.get<{ payments?: PaymentsConfig }>('/config', { auth: false });
    return data?.payments ?? { provider: 'simulated', publishableKey: null };
  },
  intent: (bookingId: string, idempotencyKey?: string) =>
    api.post<IntentResponse>('/payments/intent', { bookingId }, idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : undefined),
  /** A tip of a completed booking: no platform fee, captured at once. */
  tip: (bookingId: string, amountMinor: number, idempotencyKey?: string) =>
    api.post<IntentResponse>(
      '/payments/intent',
      { bookingId, kind: 'tip', amountMinor },
      idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : undefined,
    ),
  /** The simulated provider's card step; with Stripe it re-reads the intent after Stripe.js confirmed it. */
  confirm: (paymentId: string) => api.post<Payment>('/payments/confirm', { paymentId }),
  list: (bookingId?: string) => api.get<Payment[]>(`/payments${queryString({ bookingId })}`),
  get: (id: string) => api.get<Payment>(`/payments/${id}`),
  /** The business's goodwill refund or an admin's override; without an amount, everything that remains. */
  refund: (id: string, body: RefundBody) => api.post<Payment>(`/payments/${id}/refund`, body),
  /** The invoice of a paid payment as a complete HTML document (paid payments only, else 409). */
  invoiceHtml: (id: string) => api.text(`/payments/${id}/invoice`),
  invoicePdf: (id: string) => api.blob(`/payments/${id}/invoice?format=pdf`, { accept: 'application/pdf' }),
};

export const payoutsApi = {
  status: (businessId: string) => api.get<PayoutAccount | null>(`/businesses/${businessId}/payouts`),
  onboarding: (businessId: string) => api.post<OnboardingResponse>(`/businesses/${businessId}/payouts/onboarding`),
  /** The simulated provider's stand-in for the provider's onboarding form: marks the account ready. */
  completeSimulated: (businessId: string) => api.post<PayoutAccount>(`/businesses/${businessId}/payouts/simulated-complete`),
  earnings: (businessId: string, from?: string, to?: string) => api.get<Earnings>(`/businesses/${businessId}/earnings${queryString({ from, to })}`),
};
