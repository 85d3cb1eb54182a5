import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { aUser, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BOOKING, PAYMENT, aBooking, aPayment } from '../test/bookingFixtures';
import { useSessionStore } from '../stores/session';
import BookingPage from './BookingPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const paid = { id: PAYMENT, status: 'succeeded' as const, amountMinor: 1800, refundedMinor: 0, currency: 'EUR' };
const preview = {
  policy: 'strict',
  hoursBeforeStart: 200,
  refundPercent: 50,
  refundMinor: 900,
  currency: 'EUR',
  paidMinor: 1800,
  description: 'Strict policy, cancelled 200 hours before the start: 50% refund.',
};

const PAYMENTS = `GET /v1/payments?bookingId=${BOOKING}`;
const button = (w: VueWrapper, text: string) => {
  const found = w.findAll('button').find((b) => b.text() === text);
  if (!found) throw new Error(`No button "${text}" in: ${w.text()}`);
  return found;
};

async function openAs(role: string) {
  const mounted = await mountPage(BookingPage, `/bookings/${BOOKING}`, '/bookings/:id');
  useSessionStore().adoptSession({ accessToken: 'tok', expiresIn: 900, user: aUser({ role }) } as never);
  wrapper = mounted.wrapper;
  await settle();
  return mounted;
}

describe('booking page', () => {
  it('shows the refund before the owner cancels, then cancels with the reason', async () => {
    let cancelled = false;
    const net = mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: () =>
        ok(
          cancelled
            ? aBooking({
                status: 'cancelled',
                actions: [],
                cancellationReason: 'Plans changed',
                payment: { ...paid, status: 'partially_refunded', refundedMinor: 900 },
              })
            : aBooking({ status: 'confirmed', actions: ['cancel'], payment: paid }),
        ),
      [`GET /v1/bookings/${BOOKING}/cancellation-preview`]: ok(preview),
      [`POST /v1/bookings/${BOOKING}/cancel`]: () => {
        cancelled = true;
        return ok(aBooking({ status: 'cancelled', actions: [] }));
      },
      [PAYMENTS]: () =>
        ok([aPayment({ status: cancelled ? 'partially_refunded' : 'succeeded', refundedMinor: cancelled ? 900 : 0, paidAt: '2025-06-01T08:00:00.000Z' })]),
    });
    await openAs('pet_owner');
    const page = wrapper!;
    expect(page.text()).toContain('Confirmed');

    await page
      .findAll('button')
      .find((b) => b.text() === 'Cancel booking')!
      .trigger('click');
    await settle();
    expect(page.find('.refund-preview').text()).toBe('If you cancel now you get back €9.00 (50% of €18.00).');
    expect(page.text()).toContain('Strict policy, cancelled 200 hours before the start: 50% refund.');

    // A reason is required.
    await page
      .findAll('button')
      .find((b) => b.text() === 'Confirm cancellation')!
      .trigger('click');
    expect(page.text()).toContain('Tell the business why, in a few words.');
    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/cancel`)).toHaveLength(0);

    await page.find('textarea').setValue('Plans changed');
    await page
      .findAll('button')
      .find((b) => b.text() === 'Confirm cancellation')!
      .trigger('click');
    await settle();

    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/cancel`)[0]?.body).toEqual({ reason: 'Plans changed' });
    expect(page.text()).toContain('Booking cancelled. €9.00 will be refunded to your card.');
    expect(page.find('.payment-list').text()).toContain('Booking · €18.00 · Partly refunded · refunded €9.00');
    expect(net.callsTo(PAYMENTS).length).toBeGreaterThanOrEqual(2); // read again once the money changed
  });

  it('lets the business confirm a paid request', async () => {
    let confirmed = false;
    const net = mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: () =>
        ok(aBooking({ status: confirmed ? 'confirmed' : 'pending', actions: confirmed ? ['cancel'] : ['confirm', 'decline', 'cancel'] })),
      [`POST /v1/bookings/${BOOKING}/confirm`]: () => {
        confirmed = true;
        return ok(aBooking({ status: 'confirmed', actions: ['cancel'] }));
      },
      'GET /v1/businesses': ok([]),
      [PAYMENTS]: ok([aPayment({ status: 'authorized' })]),
    });
    await openAs('business');
    const page = wrapper!;
    expect(page.text()).toContain('Owner');
    expect(page.text()).toContain('Waiting for confirmation');

    await page
      .findAll('button')
      .find((b) => b.text().startsWith('Confirm'))!
      .trigger('click');
    await settle();

    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/confirm`)).toHaveLength(1);
    expect(page.find('.facts').text()).toContain('Confirmed');
    expect(page.findAll('button').some((b) => b.text().startsWith('Confirm booking'))).toBe(false);
  });

  it('lets the owner tip a completed booking, then shows the tip with its invoice', async () => {
    const bookingPaid = aPayment({ status: 'succeeded', paidAt: '2025-06-01T08:00:00.000Z' });
    const tip = aPayment({ id: 'tip-1', kind: 'tip', amountMinor: 400, platformFeeMinor: 0, businessPayoutMinor: 400 });
    let tipped = false;
    const net = mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: ok(aBooking({ status: 'completed', actions: ['tip'], payment: { ...paid } })),
      [PAYMENTS]: () => ok(tipped ? [{ ...tip, status: 'succeeded' }, bookingPaid] : [bookingPaid]),
      'GET /v1/config': ok({ mapStyleUrl: null, payments: { provider: 'simulated', publishableKey: null } }),
      'POST /v1/payments/intent': ok({ payment: tip, clientSecret: null, testMode: true }, 201),
      'POST /v1/payments/confirm': () => {
        tipped = true;
        return ok({ ...tip, status: 'succeeded', paidAt: '2025-06-02T09:00:00.000Z' });
      },
    });
    await openAs('pet_owner');
    const page = wrapper!;
    expect(page.find('.tip').text()).toContain("100 % goes to Léa's Training");
    expect(page.find(`a[href="/payments/${PAYMENT}/invoice"]`).exists()).toBe(true);

    await button(page, "Tip Léa's Training").trigger('click');
    expect(page.findAll('input[name="tip"]').map((i) => (i.element as HTMLInputElement).value)).toEqual(['200', '500', '1000', 'other']);
    await page.find('input[value="other"]').setValue(true);
    await page.find('#tip-other').setValue('0.50');
    await page.find('form[aria-label="Tip amount"]').trigger('submit');
    expect(page.find('#tip-error').text()).toBe('A tip is between €1.00 and €10,000.00.');
    expect(net.callsTo('POST /v1/payments/intent')).toHaveLength(0);

    await page.find('#tip-other').setValue('4');
    await page.find('form[aria-label="Tip amount"]').trigger('submit');
    await settle();
    await button(page, 'Confirm test tip of €4.00').trigger('click');
    await settle();

    expect(net.callsTo('POST /v1/payments/intent')[0]?.body).toEqual({ bookingId: BOOKING, kind: 'tip', amountMinor: 400 });
    expect(net.callsTo('POST /v1/payments/confirm')[0]?.body).toEqual({ paymentId: 'tip-1' });
    expect(page.find('.tip').text()).toContain("Thank you! €4.00 goes to Léa's Training.");
    expect(page.find('.tip__given').text()).toBe('You tipped €4.00.');
    expect(page.find('.payment-list').text()).toContain('Tip · €4.00 · Paid');
    expect(page.find('a[href="/payments/tip-1/invoice"]').exists()).toBe(true);
  });

  it('lets the business give a goodwill refund of what remains, and refuses more', async () => {
    const pendingRefund = { id: 'r1', amountMinor: 500, reason: 'Late', status: 'pending' as const, createdAt: '2025-06-02T10:00:00.000Z' };
    // What remains is the API's figure: the €5.00 on its way counts as given.
    const captured = aPayment({ status: 'succeeded', paidAt: '2025-06-01T08:00:00.000Z', refunds: [pendingRefund], refundableMinor: 1300 });
    const net = mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: ok(aBooking({ status: 'completed', actions: [], payment: { ...paid } })),
      'GET /v1/businesses': ok([]),
      [PAYMENTS]: ok([captured]),
      [`POST /v1/payments/${PAYMENT}/refund`]: (call) => {
        const { amountMinor } = call.body as { amountMinor: number };
        return ok({ ...captured, refundableMinor: 1300 - amountMinor, refunds: [pendingRefund, { ...pendingRefund, id: 'r2', amountMinor }] });
      },
    });
    await openAs('business');
    const page = wrapper!;
    expect(page.find('.payment-list').text()).toContain('Refund €5.00 (on its way) — Late');

    await page
      .findAll('button')
      .find((b) => b.text().startsWith('Refund'))!
      .trigger('click');
    expect(page.find('.refund-preview').text()).toBe('€13.00 of €18.00 can still be refunded.');
    const [amount] = page.findAll('form[aria-label="Refund of WD-7K3M-9Q2P"] input');
    await amount!.setValue('13.50');
    await page.find('form[aria-label="Refund of WD-7K3M-9Q2P"]').trigger('submit');
    expect(page.text()).toContain('Enter an amount up to €13.00, or leave it empty to refund all of it.');
    expect(page.text()).toContain('Say why, in a few words');
    expect(net.callsTo(`POST /v1/payments/${PAYMENT}/refund`)).toHaveLength(0);

    await amount!.setValue('3');
    await page.find('form[aria-label="Refund of WD-7K3M-9Q2P"] textarea').setValue('The walk was cut short.');
    await page.find('form[aria-label="Refund of WD-7K3M-9Q2P"]').trigger('submit');
    await settle();

    expect(net.callsTo(`POST /v1/payments/${PAYMENT}/refund`)[0]?.body).toEqual({ reason: 'The walk was cut short.', amountMinor: 300 });
    expect(page.text()).toContain("€3.00 will be refunded to the owner's card.");
    expect(page.find('.payment-list').text()).toContain('Refund €3.00 (on its way) — Late');
    await page
      .findAll('button')
      .find((b) => b.text().startsWith('Refund'))!
      .trigger('click');
    expect(page.find('.refund-preview').text()).toBe('€10.00 of €18.00 can still be refunded.');
  });

  it('offers a refund only while the API says something remains', async () => {
    // Taken, with no refund rows of ours, but refunded at the provider (its dashboard): nothing remains.
    const elsewhere = aPayment({ status: 'succeeded', paidAt: '2025-06-01T08:00:00.000Z', refundedMinor: 1800, refundableMinor: 0 });
    const tip = aPayment({ id: 'tip-1', kind: 'tip', amountMinor: 400, status: 'succeeded', paidAt: '2025-06-02T08:00:00.000Z', refundableMinor: 400 });
    mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: ok(aBooking({ status: 'completed', actions: [], payment: { ...paid, refundedMinor: 1800 } })),
      'GET /v1/businesses': ok([]),
      [PAYMENTS]: ok([tip, elsewhere]),
    });
    await openAs('business');

    // Only the tip has a refund button (its hidden text names the payment).
    expect(wrapper!.findAll('.payment-list button').map((b) => b.text())).toEqual(['Refundtip €4.00']);
  });

  it('lets an admin cancel with a refund percentage of their choosing and a reason', async () => {
    const net = mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: ok(aBooking({ status: 'confirmed', actions: ['cancel'], payment: { ...paid } })),
      [PAYMENTS]: ok([aPayment({ status: 'succeeded', paidAt: '2025-06-01T08:00:00.000Z' })]),
      [`GET /v1/bookings/${BOOKING}/cancellation-preview`]: ok({
        ...preview,
        refundPercent: 100,
        refundMinor: 1800,
        description: 'Cancelled by an admin: full refund.',
      }),
      [`POST /v1/bookings/${BOOKING}/cancel`]: ok(aBooking({ status: 'cancelled', actions: [] })),
    });
    await openAs('admin');
    const page = wrapper!;

    await button(page, 'Cancel booking').trigger('click');
    await settle();
    const percent = page.find('#refund-percent');
    expect((percent.element as HTMLInputElement).value).toBe('100');
    await percent.setValue('30');
    expect(page.find('.refund-preview').text()).toBe('The owner gets back €5.40 (30% of €18.00).');

    await percent.setValue('130');
    await page.find('.cancel-booking textarea').setValue('The walker never came; the owner kept the key.');
    await button(page, 'Confirm cancellation').trigger('click');
    expect(page.find('#refund-percent-error').text()).toBe('A whole percentage from 0 to 100.');
    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/cancel`)).toHaveLength(0);

    await percent.setValue('30');
    await button(page, 'Confirm cancellation').trigger('click');
    await settle();

    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/cancel`)[0]?.body).toEqual({
      reason: 'The walker never came; the owner kept the key.',
      refundPercent: 30,
    });
    expect(page.text()).toContain('Booking cancelled. €5.40 will be refunded to the owner.');
  });

  it('offers the owner a change of a pending booking', async () => {
    mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: ok(aBooking({ actions: ['cancel', 'edit', 'pay'] })),
      [PAYMENTS]: ok([]),
    });
    await openAs('pet_owner');

    expect(wrapper!.find(`a[href="/bookings/${BOOKING}/edit"]`).text()).toBe('Change booking');
  });

  it('reads a tip back after the card check redirect and thanks the owner', async () => {
    const tip = aPayment({ id: 'tip-1', kind: 'tip', amountMinor: 400, status: 'succeeded', paidAt: '2025-06-02T09:00:00.000Z' });
    const net = mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: ok(aBooking({ status: 'completed', actions: ['tip'], payment: { ...paid } })),
      [PAYMENTS]: ok([tip]),
      'POST /v1/payments/confirm': ok(tip),
    });
    const mounted = await mountPage(BookingPage, `/bookings/${BOOKING}?tip=tip-1&payment_intent=pi_1&redirect_status=succeeded`, '/bookings/:id');
    useSessionStore().adoptSession({ accessToken: 'tok', expiresIn: 900, user: aUser({ role: 'pet_owner' }) } as never);
    wrapper = mounted.wrapper;
    await settle();

    expect(net.callsTo('POST /v1/payments/confirm')[0]?.body).toEqual({ paymentId: 'tip-1' });
    expect(wrapper.text()).toContain("Thank you! €4.00 goes to Léa's Training.");
    expect(mounted.router.currentRoute.value.fullPath).toBe(`/bookings/${BOOKING}`);
  });
});
