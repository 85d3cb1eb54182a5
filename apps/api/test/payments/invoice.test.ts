import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import type { Marketplace } from '../support/marketplace.js';
import { confirm, intent, marketplace, paidBooking, setBookingStatus } from './fixtures.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await marketplace(t);
});
afterAll(() => t.close());

/** The text drawn on a PDF's pages: pdfkit writes Flate streams whose text operators hold hex strings. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  let text = '';
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = zlib.inflateSync(Buffer.from(match[1]!, 'latin1')).toString('latin1');
    } catch {
      continue; // fonts and images
    }
    for (const tj of content.matchAll(/\[([^\]]*)\]\s*TJ/g))
      text += `${[...tj[1]!.matchAll(/<([0-9a-f]*)>/gi)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join('')}\n`;
  }
  return text;
}

const get = (token: string, paymentId: string, query = '') =>
  t.app.inject({ method: 'GET', url: `/v1/payments/${paymentId}/invoice${query}`, headers: t.bearer(token) });

describe('GET /v1/payments/:id/invoice', () => {
  it('renders the paid booking as HTML with its number, lines, total and refunds', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'succeeded', { totalMinor: 4250 });
    await t.app.inject({
      method: 'POST',
      url: `/v1/payments/${paymentId}/refund`,
      headers: t.bearer(m.owner.accessToken),
      payload: { amountMinor: 1000, reason: 'Late <arrival>' },
    });
    await t.drain();
    const res = await get(m.petOwner.accessToken, paymentId);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain(`Invoice INV-${booking.number}`);
    expect(res.body).toContain('Happy Paws Berlin');
    expect(res.body).toContain('Robin Walker');
    expect(res.body).toContain('Neighbourhood walk: 1 session');
    expect(res.body).toContain('€42.50');
    expect(res.body).toContain('-€10.00');
    expect(res.body).toContain('€32.50');
    expect(res.body).toContain('Late &#60;arrival&#62;'); // escaped, never markup
    expect(res.body).toContain('Test mode');
  });

  it('renders a PDF that starts with %PDF and shows the booking number', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'succeeded', { totalMinor: 2000 });
    const res = await get(m.owner.accessToken, paymentId, '?format=pdf');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="INV-${booking.number}.pdf"`);
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(res.rawPayload);
    expect(text).toContain(`Invoice INV-${booking.number}`);
    expect(text).toContain(`Booking ${booking.number}`);
    expect(text).toContain('Total paid');
  });

  it('gives a tip its own invoice', async () => {
    const { booking } = await paidBooking(t, m, 'succeeded');
    await setBookingStatus(t, booking.id, 'completed');
    const tip = (await intent(t, m.petOwner.accessToken, { bookingId: booking.id, kind: 'tip', amountMinor: 300 })).json().data.payment.id;
    await confirm(t, m.petOwner.accessToken, tip);
    const res = await get(m.admin.accessToken, tip);
    expect(res.body).toContain(`INV-${booking.number}-TIP-`);
    expect(res.body).toContain('Tip for Happy Paws Berlin');
  });

  it('has no invoice before the money is taken (409) and refuses an unknown format (400)', async () => {
    const { paymentId } = await paidBooking(t, m, 'authorized');
    expect((await get(m.petOwner.accessToken, paymentId)).statusCode).toBe(409);
    expect((await get(m.petOwner.accessToken, paymentId, '?format=docx')).statusCode).toBe(400);
  });
});
