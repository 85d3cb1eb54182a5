import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BOOKING, PAYMENT, aBooking, aPayment } from '../test/bookingFixtures';
import BookingConfirmedPage from './BookingConfirmedPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());
const payment = (status: 'pending' | 'authorized') => ({ id: PAYMENT, status, amountMinor: 1800, refundedMinor: 0, currency: 'EUR' });

describe('booking confirmation', () => {
  it('says the request waits for the business until the expiry, with the payment authorised', async () => {
    mockFetch({ [`GET /v1/bookings/${BOOKING}`]: ok(aBooking({ payment: payment('authorized') })) });
    wrapper = (await mountPage(BookingConfirmedPage, `/bookings/${BOOKING}/confirmed`, '/bookings/:id/confirmed')).wrapper;
    await settle();

    expect(wrapper.find('h1').text()).toBe('Booking requested');
    // expiresAt 07:00 UTC is 09:00 in Berlin.
    expect(wrapper.text()).toMatch(/will confirm or decline it by Sun, Jun 1, 2025, 09:00/);
    expect(wrapper.text()).toContain('Payment: Authorised (charged when confirmed) · €18.00');
  });

  it('has the API read a Stripe payment back when Stripe redirected here after 3-D Secure', async () => {
    let reads = 0;
    const net = mockFetch({
      [`GET /v1/bookings/${BOOKING}`]: () => ok(aBooking({ payment: payment(++reads === 1 ? 'pending' : 'authorized') })),
      'POST /v1/payments/confirm': ok(aPayment({ status: 'authorized' })),
    });
    wrapper = (await mountPage(BookingConfirmedPage, `/bookings/${BOOKING}/confirmed?payment_intent=pi_1`, '/bookings/:id/confirmed')).wrapper;
    await settle();

    expect(net.callsTo('POST /v1/payments/confirm')[0]?.body).toEqual({ paymentId: PAYMENT });
    expect(wrapper.text()).toContain('Authorised');
  });
});
