import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { aUser, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BOOKING, PAYMENT, aBooking } from '../test/bookingFixtures';
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
    expect(page.text()).toContain('refunded €9.00');
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
});
