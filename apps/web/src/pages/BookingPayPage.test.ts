import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BOOKING, PAYMENT, aBooking, aPayment } from '../test/bookingFixtures';
import BookingPayPage from './BookingPayPage.vue';

let wrapper: VueWrapper | undefined;
beforeEach(() => sessionStorage.clear());
afterEach(() => wrapper?.unmount());

describe('pay page', () => {
  it('confirms a clearly labelled test payment with the simulated provider, then shows the confirmation', async () => {
    const net = mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: ok(aBooking()),
      'GET /v1/config': ok({ mapStyleUrl: null, payments: { provider: 'simulated', publishableKey: null } }),
      'POST /v1/payments/intent': ok({ payment: aPayment(), clientSecret: null, testMode: true }, 201),
      'POST /v1/payments/confirm': ok(aPayment({ status: 'authorized' })),
    });
    const mounted = await mountPage(BookingPayPage, `/bookings/${BOOKING}/pay`, '/bookings/:id/pay');
    wrapper = mounted.wrapper;
    await settle();

    expect(wrapper.text()).toContain('TEST MODE');
    expect(wrapper.text()).toContain('No real card is charged');
    expect(wrapper.find('.price-table').text()).toContain('€18.00');
    const button = wrapper.findAll('button').find((b) => b.text() === 'Confirm test payment');
    await button!.trigger('click');
    await settle();

    expect(net.callsTo('POST /v1/payments/intent')[0]?.body).toEqual({ bookingId: BOOKING });
    expect(net.callsTo('POST /v1/payments/confirm')[0]?.body).toEqual({ paymentId: PAYMENT });
    expect(mounted.router.currentRoute.value.path).toBe(`/bookings/${BOOKING}/confirmed`);
  });

  it('does not offer to pay a booking that is paid already', async () => {
    const net = mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: ok(
        aBooking({ actions: ['cancel'], payment: { id: PAYMENT, status: 'authorized', amountMinor: 1800, refundedMinor: 0, currency: 'EUR' } }),
      ),
    });
    const mounted = await mountPage(BookingPayPage, `/bookings/${BOOKING}/pay`, '/bookings/:id/pay');
    wrapper = mounted.wrapper;
    await settle();

    expect(wrapper.text()).toContain('Already paid');
    expect(wrapper.text()).not.toContain('Confirm test payment');
    expect(net.calls.map((c) => c.path)).toEqual([`/v1/bookings/${BOOKING}`]);
  });
});
