import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { aBooking } from '../test/bookingFixtures';
import MyBookingsPage from './MyBookingsPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  history.replaceState(null, '', '/');
});

const SERIES = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const UPCOMING = 'GET /v1/bookings?status=pending%2Cconfirmed%2Cin_progress&role=owner&order=asc&limit=50';
const PAST = 'GET /v1/bookings?status=completed%2Ccancelled%2Cdeclined%2Cexpired&role=owner&order=desc&limit=50';

describe('my bookings', () => {
  it('shows upcoming bookings with their status in words, past ones newest first, and weekly series', async () => {
    const net = mockFetch({
      [UPCOMING]: ok([
        aBooking({ actions: ['pay', 'cancel'] }),
        aBooking({ id: 'b2', number: 'WD-2222-2222', status: 'confirmed', seriesId: SERIES, actions: [] }),
      ]),
      [PAST]: ok([aBooking({ id: 'b3', number: 'WD-3333-3333', status: 'cancelled', actions: [] })]),
      [`GET /v1/booking-series/${SERIES}`]: ok({
        series: { id: SERIES, rule: { byDay: [1, 3], interval: 1, count: 6 }, rrule: '', localStartTime: '09:00', timeZone: 'Europe/Berlin' },
        bookings: [],
      }),
      'GET /v1/calendars': ok([{ kind: 'owner', subjectId: 'u1', url: 'http://localhost/v1/calendars/mine.ics' }]),
    });
    wrapper = (await mountPage(MyBookingsPage, '/bookings')).wrapper;
    await settle();

    const upcoming = wrapper.find('[aria-label="Upcoming bookings"]');
    expect(upcoming.findAll('li')).toHaveLength(2);
    expect(upcoming.text()).toContain('Waiting for confirmation');
    expect(upcoming.text()).toContain('Pay now for WD-7K3M-9Q2P');

    await wrapper
      .findAll('[role="tab"]')
      .find((t) => t.text() === 'Past')!
      .trigger('click');
    await settle();
    expect(net.callsTo(PAST)).toHaveLength(1);
    expect(wrapper.find('[aria-label="Past bookings"]').text()).toContain('Cancelled');

    await wrapper
      .findAll('[role="tab"]')
      .find((t) => t.text() === 'Series')!
      .trigger('click');
    await settle();
    const series = wrapper.find('[aria-label="Weekly series"]');
    expect(series.text()).toContain('Every week on Mon, Wed, 6 times at 09:00');
    expect(series.find('a').attributes('href')).toBe(`/bookings/series/${SERIES}`);
    expect(wrapper.find('.calendar-feeds input').element).toHaveProperty('value', 'http://localhost/v1/calendars/mine.ics');
  });
});
