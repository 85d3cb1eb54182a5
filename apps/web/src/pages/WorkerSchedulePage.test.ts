import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BOOKING, aBooking } from '../test/bookingFixtures';
import { browserTimeZone } from '../lib/labels';
import { addDays, todayIn } from '../lib/time';
import WorkerSchedulePage from './WorkerSchedulePage.vue';

let wrapper: VueWrapper | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2025-06-02T06:00:00Z'));
});
afterEach(() => {
  wrapper?.unmount();
  vi.useRealTimers();
});

describe('worker schedule', () => {
  it("shows today's jobs apart from later ones, starts one and completes it with notes", async () => {
    const LATER = '77777777-7777-4777-8777-777777777779';
    let status: 'confirmed' | 'in_progress' | 'completed' = 'confirmed';
    const job = () => aBooking({ status, actions: status === 'confirmed' ? ['start'] : status === 'in_progress' ? ['complete'] : [] });
    // "Today" is the worker's own (the browser's time zone), whatever the machine running the test uses.
    const today = todayIn(browserTimeZone());
    const net = mockFetch({
      [`GET /v1/bookings?status=pending%2Cconfirmed%2Cin_progress&from=${addDays(today, -1)}&to=${addDays(today, 14)}&role=worker&order=asc&limit=100`]: ok([
        job(),
        aBooking({ id: LATER, status: 'confirmed', startsAt: '2025-06-09T07:00:00.000Z', endsAt: '2025-06-09T08:00:00.000Z', actions: ['start'] }),
      ]),
      'GET /v1/calendars': ok([]),
      [`POST /v1/bookings/${BOOKING}/start`]: () => {
        status = 'in_progress';
        return ok(job());
      },
      [`POST /v1/bookings/${BOOKING}/complete`]: () => {
        status = 'completed';
        return ok(job());
      },
    });
    wrapper = (await mountPage(WorkerSchedulePage, '/schedule')).wrapper;
    await settle();

    const todays = wrapper.find('[aria-label="Today\'s jobs"]');
    const upcoming = wrapper.find('[aria-label="Upcoming jobs"]');
    expect(todays.text()).toContain('WD-7K3M-9Q2P');
    expect(upcoming.findAll('li')).toHaveLength(1);

    await todays
      .findAll('button')
      .find((b) => b.text().startsWith('Start'))!
      .trigger('click');
    await settle();
    expect(todays.text()).toContain('In progress');

    await todays
      .findAll('button')
      .find((b) => b.text().startsWith('Complete'))!
      .trigger('click');
    await todays.find('textarea').setValue('Long walk in the park, drank water.');
    await todays.find('form').trigger('submit');
    await settle();

    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/complete`)[0]?.body).toEqual({ notes: 'Long walk in the park, drank water.' });
    expect(wrapper.find('[aria-label="Today\'s jobs"]').text()).not.toContain('WD-7K3M-9Q2P');
  });
});
