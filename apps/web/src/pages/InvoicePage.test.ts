import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BOOKING, PAYMENT, aPayment } from '../test/bookingFixtures';
import InvoicePage from './InvoicePage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const INVOICE = `GET /v1/payments/${PAYMENT}/invoice`;
// The API's document, with what a person typed in it: it must stay inert inside the page.
const html = '<!doctype html><html><body><h1>Invoice INV-WD-7K3M-9Q2P</h1><p>Booking WD-7K3M-9Q2P</p><script>parent.alert(1)</script></body></html>';
const paid = aPayment({ status: 'succeeded', paidAt: '2025-06-02T09:00:00.000Z' });

async function open() {
  const mounted = await mountPage(InvoicePage, `/payments/${PAYMENT}/invoice`, '/payments/:id/invoice');
  wrapper = mounted.wrapper;
  await settle();
  return mounted.wrapper;
}

describe('invoice page', () => {
  it('shows the invoice in a sandboxed frame without scripts, with a way back to the booking', async () => {
    mockFetch({
      [`GET /v1/payments/${PAYMENT}`]: ok(paid),
      [INVOICE]: { status: 200, raw: html, headers: { 'content-type': 'text/html; charset=utf-8' } },
    });
    const page = await open();

    const frame = page.find('iframe');
    expect(frame.attributes('title')).toBe('Invoice for booking WD-7K3M-9Q2P');
    expect(frame.attributes('sandbox')).toBe(''); // no allow-scripts, no allow-same-origin
    expect(frame.attributes('srcdoc')).toBe(html);
    expect(page.find('h1').text()).toBe('Invoice · Booking WD-7K3M-9Q2P');
    expect(page.find('a.back-link').attributes('href')).toBe(`/bookings/${BOOKING}`);
  });

  it('downloads the PDF under the name the API gives it', async () => {
    const createObjectURL = vi.fn((_blob: Blob) => 'blob:invoice');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }); // jsdom has neither
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });
    const net = mockFetch({
      [`GET /v1/payments/${PAYMENT}`]: ok(paid),
      [INVOICE]: { status: 200, raw: html, headers: { 'content-type': 'text/html' } },
      [`${INVOICE}?format=pdf`]: {
        status: 200,
        raw: '%PDF-1.3',
        headers: { 'content-type': 'application/pdf', 'content-disposition': 'inline; filename="INV-WD-7K3M-9Q2P.pdf"' },
      },
    });
    const page = await open();

    await page.find('button').trigger('click');
    await settle();

    expect(net.callsTo(`${INVOICE}?format=pdf`)[0]?.headers.accept).toBe('application/pdf');
    expect(clicked).toEqual([{ href: 'blob:invoice', download: 'INV-WD-7K3M-9Q2P.pdf' }]);
    expect(await createObjectURL.mock.calls[0]?.[0].text()).toBe('%PDF-1.3');
    expect(page.find('[role="alert"]').exists()).toBe(false);
  });

  it('explains that there is no invoice before the money was taken', async () => {
    mockFetch({
      [`GET /v1/payments/${PAYMENT}`]: ok(aPayment({ status: 'authorized' })),
      [INVOICE]: fail(409, 'CONFLICT', 'There is no invoice yet: the payment has not been taken.'),
    });
    const page = await open();

    expect(page.find('h1').text()).toBe('No invoice yet');
    expect(page.find('iframe').exists()).toBe(false);
  });

  it("does not tell a stranger whether someone else's payment exists", async () => {
    mockFetch({
      [`GET /v1/payments/${PAYMENT}`]: fail(404, 'NOT_FOUND', 'Payment not found.'),
      [INVOICE]: fail(404, 'NOT_FOUND', 'Payment not found.'),
    });
    const page = await open();

    expect(page.find('h1').text()).toBe('Invoice not found');
  });
});
