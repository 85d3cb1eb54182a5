/** The invoice of one paid payment: the payment it belongs to, its HTML, and its PDF for download. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Payment } from '@walkydoggy/shared';
import { paymentsApi } from '../api/payments';

export const useInvoiceStore = defineStore('invoice', () => {
  const payment = ref<Payment | null>(null);
  const html = ref<string | null>(null);

  async function load(paymentId: string): Promise<void> {
    if (payment.value?.id !== paymentId) {
      payment.value = null;
      html.value = null;
    }
    const [found, invoice] = await Promise.all([paymentsApi.get(paymentId), paymentsApi.invoiceHtml(paymentId)]);
    payment.value = found.data;
    html.value = invoice.body;
  }

  /** The PDF and the file name the API gives it (the invoice number), or one made from the booking number. */
  async function pdf(paymentId: string): Promise<{ blob: Blob; filename: string }> {
    const file = await paymentsApi.invoicePdf(paymentId);
    const fallback = payment.value?.id === paymentId ? `invoice-${payment.value.bookingNumber}.pdf` : 'invoice.pdf';
    return { blob: file.body, filename: file.filename ?? fallback };
  }

  return { payment, html, load, pdf };
});
