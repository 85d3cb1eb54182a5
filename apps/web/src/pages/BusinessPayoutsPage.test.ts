import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BIZ, BOOKING, aBusiness } from '../test/bookingFixtures';
import BusinessEarningsPage from './BusinessEarningsPage.vue';
import BusinessPayoutsPage from './BusinessPayoutsPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const business = {
  'GET /v1/businesses': ok([aBusiness()]),
  [`GET /v1/businesses/${BIZ}/services`]: ok([]),
  [`GET /v1/businesses/${BIZ}/workers`]: ok([]),
  [`GET /v1/businesses/${BIZ}/worker-invitations`]: ok([]),
};
const earnings = {
  currency: 'EUR',
  grossMinor: 3600,
  platformFeesMinor: 405,
  refundsMinor: 900,
  tipsMinor: 500,
  netMinor: 2295,
  payouts: [
    {
      paymentId: 'p2',
      bookingId: BOOKING,
      bookingNumber: 'WD-1111-1111',
      kind: 'tip',
      amountMinor: 500,
      feeMinor: 0,
      payoutMinor: 500,
      refundedMinor: 0,
      paidAt: '2025-06-04T10:00:00.000Z',
    },
    {
      paymentId: 'p1',
      bookingId: BOOKING,
      bookingNumber: 'WD-1111-1111',
      kind: 'booking',
      amountMinor: 1800,
      feeMinor: 270,
      payoutMinor: 1530,
      refundedMinor: 0,
      paidAt: '2025-06-03T10:00:00.000Z',
    },
  ],
};

describe('earnings and payouts', () => {
  it("shows this month's earnings in the business time zone and starts payouts onboarding", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-06-30T22:30:00Z')); // already July 1 in Berlin
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign, hash: '' });
    const net = mockFetch({
      ...business,
      [`GET /v1/businesses/${BIZ}/earnings?from=2025-07-01&to=2025-07-31`]: ok(earnings),
      [`GET /v1/businesses/${BIZ}/payouts`]: ok(null),
      [`POST /v1/businesses/${BIZ}/payouts/onboarding`]: ok({
        url: `http://localhost/business/payouts?businessId=${BIZ}&simulated=1`,
        accountId: 'a',
        provider: 'simulated',
      }),
    });
    wrapper = (await mountPage(BusinessEarningsPage, '/business/earnings')).wrapper;
    await settle();

    expect(wrapper.find('.figure--total').text()).toContain('€22.95');
    expect(wrapper.find('table').text()).toContain('WD-1111-1111');
    expect(wrapper.find('table a[href="/payments/p1/invoice"]').text()).toBe('Invoice of WD-1111-1111');
    // Each row's booking number leads to its booking; a tip's to the booking it was given for.
    expect(wrapper.findAll(`table a[href="/bookings/${BOOKING}"]`).map((a) => a.text())).toEqual([
      'WD-1111-1111 (the booking the tip was for)',
      'WD-1111-1111',
    ]);
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Set up payouts')!
      .trigger('click');
    await settle();

    expect(net.callsTo(`POST /v1/businesses/${BIZ}/payouts/onboarding`)).toHaveLength(1);
    expect(assign).toHaveBeenCalledWith(`http://localhost/business/payouts?businessId=${BIZ}&simulated=1`);
  });

  it('finishes the simulated onboarding, marked as a test', async () => {
    const net = mockFetch({
      ...business,
      [`GET /v1/businesses/${BIZ}/payouts`]: ok({ accountId: 'sim_acct_1', chargesEnabled: false, payoutsEnabled: false, detailsSubmitted: false }),
      [`POST /v1/businesses/${BIZ}/payouts/simulated-complete`]: ok({
        accountId: 'sim_acct_1',
        chargesEnabled: true,
        payoutsEnabled: true,
        detailsSubmitted: true,
      }),
    });
    wrapper = (await mountPage(BusinessPayoutsPage, `/business/payouts?businessId=${BIZ}&onboarding=done&simulated=1`, '/business/payouts')).wrapper;
    await settle();

    expect(wrapper.text()).toContain('TEST MODE');
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Finish test onboarding')!
      .trigger('click');
    await settle();

    expect(net.callsTo(`POST /v1/businesses/${BIZ}/payouts/simulated-complete`)).toHaveLength(1);
    expect(wrapper.text()).toContain('Payouts are set up');
    expect(wrapper.text()).not.toContain('TEST MODE');
  });
});
