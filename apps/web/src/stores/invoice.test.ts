import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { PAYMENT, aPayment } from '../test/bookingFixtures';
import { useInvoiceStore } from './invoice';

beforeEach(() => setActivePinia(createPinia()));

const INVOICE = `GET /v1/payments/${PAYMENT}/invoice`;
const html = '<!doctype html><html><body><h1>Invoice INV-WD-7K3M-9Q2P</h1><p>Booking WD-7K3M-9Q2P</p></body></html>';
const paid = aPayment({ status: 'succeeded', paidAt: '2025-06-02T09:00:00.000Z' });

describe('invoice store', () => {
  it('loads the payment and the invoice HTML as it is, asking for HTML', async () => {
    const net = mockFetch({
      [`GET /v1/payments/${PAYMENT}`]: ok(paid),
      [INVOICE]: { status: 200, raw: html, headers: { 'content-type': 'text/html; charset=utf-8' } },
    });
    const store = useInvoiceStore();

    await store.load(PAYMENT);

    expect(store.payment?.bookingNumber).toBe('WD-7K3M-9Q2P');
    expect(store.html).toBe(html);
    expect(net.callsTo(INVOICE)[0]?.headers.accept).toBe('text/html');
  });

  it('fetches the PDF with the name the API gives it, or one made from the booking number', async () => {
    let disposition: Record<string, string> = { 'content-disposition': 'inline; filename="INV-WD-7K3M-9Q2P.pdf"' };
    mockFetch({
      [`GET /v1/payments/${PAYMENT}`]: ok(paid),
      [INVOICE]: { status: 200, raw: html, headers: { 'content-type': 'text/html' } },
      [`${INVOICE}?format=pdf`]: (call) =>
        call.headers.accept === 'application/pdf'
          ? { status: 200, raw: '%PDF-1.3', headers: { 'content-type': 'application/pdf', ...disposition } }
          : fail(406, 'NOT_ACCEPTABLE', 'Ask for a PDF.'),
    });
    const store = useInvoiceStore();
    await store.load(PAYMENT);

    const named = await store.pdf(PAYMENT);
    disposition = {};
    const unnamed = await store.pdf(PAYMENT);

    expect(named.filename).toBe('INV-WD-7K3M-9Q2P.pdf');
    expect(await named.blob.text()).toBe('%PDF-1.3');
    expect(unnamed.filename).toBe('invoice-WD-7K3M-9Q2P.pdf');
  });

  it('passes on that there is no invoice before the money was taken', async () => {
    mockFetch({
      [`GET /v1/payments/${PAYMENT}`]: ok(aPayment({ status: 'authorized' })),
      [INVOICE]: fail(409, 'CONFLICT', 'There is no invoice yet: the payment has not been taken.'),
    });
    const store = useInvoiceStore();

    await expect(store.load(PAYMENT)).rejects.toMatchObject({ status: 409 });
    expect(store.html).toBeNull();
  });
});
