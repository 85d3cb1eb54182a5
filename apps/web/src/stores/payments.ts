/**
 * The payments of the open booking as the caller may see them (the booking's own, tips; the payer's,
 * or all of them for the business and admins), and the business's goodwill refund of one of them.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Payment } from '@walkydoggy/shared';
import { paymentsApi } from '../api/payments';
import { isPaid } from '../lib/payments';

export const usePaymentsStore = defineStore('payments', () => {
  const bookingId = ref<string | null>(null);
  const items = ref<Payment[]>([]);

  /** Tips that were taken, oldest first: what the owner has given on top of the price. */
  const tips = computed(() => items.value.filter((p) => p.kind === 'tip' && isPaid(p)).reverse());
  const tippedMinor = computed(() => tips.value.reduce((sum, p) => sum + p.amountMinor, 0));

  async function loadForBooking(id: string): Promise<Payment[]> {
    if (bookingId.value !== id) items.value = [];
    bookingId.value = id;
    const { data } = await paymentsApi.list(id);
    // A late answer for a booking that is no longer open must not replace the open one's.
    if (bookingId.value === id) items.value = data ?? [];
    return data ?? [];
  }

  /** Puts a changed payment where it is listed (newest first, as the API lists them). */
  function remember(payment: Payment): Payment {
    const index = items.value.findIndex((p) => p.id === payment.id);
    if (index === -1) items.value = [payment, ...items.value];
    else items.value[index] = payment;
    return payment;
  }

  /** A refund by the business (goodwill) or an admin; without an amount, everything that remains. */
  async function refund(paymentId: string, reason: string, amountMinor?: number): Promise<Payment> {
    const { data } = await paymentsApi.refund(paymentId, amountMinor === undefined ? { reason } : { reason, amountMinor });
    return remember(data);
  }

  function clear() {
    bookingId.value = null;
    items.value = [];
  }

  return { bookingId, items, tips, tippedMinor, loadForBooking, remember, refund, clear };
});
