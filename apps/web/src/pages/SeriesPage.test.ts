import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { aBooking } from '../test/bookingFixtures';
import { useBookingFlowStore } from '../stores/bookingFlow';
import SeriesPage from './SeriesPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const SERIES = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const series = {
  id: SERIES,
  rule: { byDay: [1], interval: 2, count: 3 },
  rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=3',
  localStartTime: '09:00',
  timeZone: 'Europe/Berlin',
  firstDate: '2025-06-02',
  status: 'active',
};

describe('series page', () => {
  it('lists the visits, names the dates that could not be booked, and cancels the rest', async () => {
    let cancelled = false;
    const visits = () => [
      aBooking({
        id: 'v1',
        number: 'WD-0000-0001',
        seriesId: SERIES,
        status: cancelled ? 'cancelled' : 'pending',
        actions: cancelled ? [] : ['pay', 'cancel'],
      }),
      aBooking({
        id: 'v2',
        number: 'WD-0000-0002',
        seriesId: SERIES,
        status: cancelled ? 'cancelled' : 'pending',
        actions: cancelled ? [] : ['pay', 'cancel'],
      }),
    ];
    const net = mockFetch({
      [`GET /v1/booking-series/${SERIES}`]: () => ok({ series, bookings: visits() }),
      [`POST /v1/booking-series/${SERIES}/cancel`]: () => {
        cancelled = true;
        return ok({ cancelled: 2 });
      },
    });
    const mounted = await mountPage(SeriesPage, `/bookings/series/${SERIES}?created=1`, '/bookings/series/:id');
    wrapper = mounted.wrapper;
    // The answer that created the series is the only place its conflicts exist.
    useBookingFlowStore().lastSeries = { series, bookings: visits(), conflicts: [{ date: '2025-06-30', reason: 'The business is closed that day.' }] } as never;
    await settle();

    expect(wrapper.find('.lead').text()).toBe('Every 2 weeks on Mon, 3 times at 09:00 (Europe/Berlin)');
    expect(wrapper.text()).toContain('2 visits were requested. Pay each one so the business can confirm it.');
    expect(wrapper.text()).toContain('Mon, Jun 30: The business is closed that day.');
    expect(wrapper.text()).toContain('2 visits are not paid yet.');

    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Cancel remaining visits')!
      .trigger('click');
    await wrapper.find('textarea').setValue('Moving away');
    await wrapper.find('form').trigger('submit');
    await settle();

    expect(net.callsTo(`POST /v1/booking-series/${SERIES}/cancel`)[0]?.body).toEqual({ reason: 'Moving away' });
    expect(wrapper.text()).toContain("2 visits cancelled. Refunds follow each visit's cancellation policy.");
    expect(wrapper.find('[aria-label="Visits of the series"]').text()).toContain('Cancelled');
  });
});
