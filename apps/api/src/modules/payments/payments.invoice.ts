import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import PDFDocument from 'pdfkit';
import { businesses } from '@walkydoggy/shared/db';
import { formatMoney, type PaymentKind } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import { findBookingForPayment, findPayer, findPayment, refundsOf, PAID_STATUSES } from './payments.queries.js';

/** Everything an invoice shows, gathered once and rendered as HTML or PDF. */
export type Invoice = {
  number: string;
  kind: PaymentKind;
  bookingNumber: string;
  issuedOn: string;
  seller: { name: string; address: string[]; email: string | null };
  buyer: { name: string; email: string };
  serviceName: string;
  serviceDate: string;
  lines: { label: string; quantity: number; unit: string; amount: string }[];
  total: string;
  refunds: { date: string; amount: string; reason: string }[];
  netPaid: string | null;
  provider: string;
  testMode: boolean;
};

export function createInvoiceService(p: Pick<Platform, 'db' | 'payments'>) {
  /** The payer's, the business owner's and admins' (others: 404); only once the money was taken. */
  async function invoiceOf(actor: Actor, paymentId: string): Promise<Invoice> {
    const payment = await findPayment(p.db, paymentId, actor);
    if (!payment) throw new NotFound('Payment');
    if (!(PAID_STATUSES as readonly string[]).includes(payment.status) || !payment.paidAt)
      throw new Conflict('There is no invoice yet: the payment has not been taken.');
    const booking = (await findBookingForPayment(p.db, payment.bookingId))!;
    const [business] = await p.db
      .select({ name: businesses.name, address: businesses.address, email: businesses.contactEmail, timeZone: businesses.timeZone })
      .from(businesses)
      .where(eq(businesses.id, payment.businessId));
    const payer = (await findPayer(p.db, payment.payerId))!;
    const refunds = (await refundsOf(p.db, [payment.id])).filter((r) => r.status === 'succeeded');
    const money = (minor: number) => formatMoney(minor, payment.currency);
    const day = (d: Date) => DateTime.fromJSDate(d, { zone: business!.timeZone }).toFormat('d LLL yyyy');
    const a = business!.address;
    const lines =
      payment.kind === 'tip'
        ? [{ label: `Tip for ${business!.name}`, quantity: 1, unit: money(payment.amountMinor), amount: money(payment.amountMinor) }]
        : booking.price.lines.map((l) => ({
            label: `${booking.serviceName}: ${l.label}`,
            quantity: l.quantity,
            unit: money(l.unitMinor),
            amount: money(l.amountMinor),
          }));
    if (payment.kind === 'booking' && booking.price.discountMinor)
      lines.push({ label: 'Discount', quantity: 1, unit: '', amount: money(-booking.price.discountMinor) });
    return {
      // One invoice per paid booking; a tip is its own invoice, named after the booking and the payment.
      number: payment.kind === 'tip' ? `INV-${booking.number}-TIP-${payment.id.slice(0, 8).toUpperCase()}` : `INV-${booking.number}`,
      kind: payment.kind,
      bookingNumber: booking.number,
      issuedOn: day(payment.paidAt),
      seller: {
        name: business!.name,
        address: [a.street, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country].filter((x): x is string => Boolean(x)),
        email: business!.email,
      },
      buyer: { name: `${payer.firstName} ${payer.lastName}`.trim(), email: payer.email },
      serviceName: booking.serviceName,
      serviceDate: day(booking.startsAt),
      lines,
      total: money(payment.amountMinor),
      refunds: refunds.map((r) => ({ date: day(r.completedAt ?? r.createdAt), amount: money(-r.amountMinor), reason: r.reason })),
      netPaid: payment.refundedMinor > 0 ? money(payment.amountMinor - payment.refundedMinor) : null,
      provider: payment.provider,
      testMode: payment.provider === 'simulated' || p.payments.testMode,
    };
  }
  return { invoiceOf };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function invoiceHtml(inv: Invoice): string {
  const rows = inv.lines
    .map((l) => `<tr><td>${esc(l.label)}</td><td class="n">${l.quantity}</td><td class="n">${esc(l.unit)}</td><td class="n">${esc(l.amount)}</td></tr>`)
    .join('\n');
  const refunds = inv.refunds.map((r) => `<tr><td colspan="3">Refund ${esc(r.date)}: ${esc(r.reason)}</td><td class="n">${esc(r.amount)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${esc(inv.number)}</title>
<style>body{font-family:system-ui,sans-serif;color:#1d2b24;max-width:760px;margin:32px auto;padding:0 16px}table{width:100%;border-collapse:collapse}
td,th{padding:6px 4px;border-bottom:1px solid #dde5e0;text-align:left}.n{text-align:right}.total td{font-weight:700}.muted{color:#5b6b62;font-size:13px}
.test{background:#fff4d6;border:1px solid #e8c45a;padding:8px;border-radius:6px}</style></head>
<body>
${inv.testMode ? '<p class="test">Test mode: no real money was moved.</p>' : ''}
<h1>Invoice ${esc(inv.number)}</h1>
<p class="muted">Issued ${esc(inv.issuedOn)} · Booking ${esc(inv.bookingNumber)}</p>
<p><strong>${esc(inv.seller.name)}</strong><br>${inv.seller.address.map(esc).join('<br>')}${inv.seller.email ? `<br>${esc(inv.seller.email)}` : ''}</p>
<p>Billed to: <strong>${esc(inv.buyer.name)}</strong><br>${esc(inv.buyer.email)}</p>
<p>${esc(inv.serviceName)} on ${esc(inv.serviceDate)}</p>
<table><thead><tr><th>Item</th><th class="n">Qty</th><th class="n">Unit</th><th class="n">Amount</th></tr></thead>
<tbody>
${rows}
<tr class="total"><td colspan="3">Total paid</td><td class="n">${esc(inv.total)}</td></tr>
${refunds}
${inv.netPaid ? `<tr class="total"><td colspan="3">Paid after refunds</td><td class="n">${esc(inv.netPaid)}</td></tr>` : ''}
</tbody></table>
<p class="muted">Paid through WalkyDoggy (${esc(inv.provider)}).</p>
</body></html>`;
}

export async function invoicePdf(inv: Invoice): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Invoice ${inv.number}`, Subject: `Booking ${inv.bookingNumber}`, Author: 'WalkyDoggy' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const right = (text: string, x: number, y: number, width: number) => doc.text(text, x, y, { width, align: 'right' });

  if (inv.testMode) doc.fillColor('#9a6b00').fontSize(10).text('Test mode: no real money was moved.').moveDown(0.5);
  doc.fillColor('#1d2b24').fontSize(20).text(`Invoice ${inv.number}`);
  doc.fontSize(10).fillColor('#5b6b62').text(`Issued ${inv.issuedOn} · Booking ${inv.bookingNumber}`).moveDown();
  doc.fillColor('#1d2b24').fontSize(11).text(inv.seller.name);
  for (const line of inv.seller.address) doc.text(line);
  if (inv.seller.email) doc.text(inv.seller.email);
  doc.moveDown().text(`Billed to: ${inv.buyer.name}`).text(inv.buyer.email).moveDown();
  doc.text(`${inv.serviceName} on ${inv.serviceDate}`).moveDown();

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const row = (label: string, qty: string, unit: string, amount: string, bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    doc.text(label, left, y, { width: width * 0.55 });
    const after = doc.y;
    right(qty, left + width * 0.55, y, width * 0.1);
    right(unit, left + width * 0.65, y, width * 0.17);
    right(amount, left + width * 0.82, y, width * 0.18);
    doc.y = Math.max(after, doc.y);
    doc.x = left;
    doc.moveDown(0.3);
  };
  row('Item', 'Qty', 'Unit', 'Amount', true);
  for (const l of inv.lines) row(l.label, String(l.quantity), l.unit, l.amount);
  row('Total paid', '', '', inv.total, true);
  for (const r of inv.refunds) row(`Refund ${r.date}: ${r.reason}`, '', '', r.amount);
  if (inv.netPaid) row('Paid after refunds', '', '', inv.netPaid, true);
  doc.font('Helvetica').moveDown();
  doc.fontSize(9).fillColor('#5b6b62').text(`Paid through WalkyDoggy (${inv.provider}).`);
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
