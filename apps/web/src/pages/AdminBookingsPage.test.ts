import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BOOKING, aBooking } from '../test/bookingFixtures';
import AdminBookingsPage from './AdminBookingsPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

describe('admin bookings', () => {
  it('lists every booking by status with a link to each, and pages on', async () => {
    const net = mockFetch({
      'GET /v1/bookings?status=pending%2Cconfirmed%2Cin_progress&order=asc&limit=50': {
        status: 200,
        body: { success: true, data: [aBooking()], meta: { limit: 50, nextCursor: 'c1' } },
      },
      'GET /v1/bookings?status=pending%2Cconfirmed%2Cin_progress&order=asc&cursor=c1&limit=50': ok([aBooking({ id: 'b2', number: 'WD-2222-2222' })]),
      'GET /v1/bookings?status=cancelled&order=desc&limit=50': ok([aBooking({ status: 'cancelled' })]),
    });
    wrapper = (await mountPage(AdminBookingsPage, '/admin/bookings')).wrapper;
    await settle();

    expect(wrapper.find(`a[href="/bookings/${BOOKING}"]`).exists()).toBe(true);
    expect(wrapper.text()).toContain('Olivia Owner'); // admins see whose booking it is
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Show more')!
      .trigger('click');
    await settle();
    expect(wrapper.findAll('.booking-card')).toHaveLength(2);

    await wrapper.find('select').setValue('cancelled');
    await settle();
    expect(net.callsTo('GET /v1/bookings?status=cancelled&order=desc&limit=50')).toHaveLength(1);
    expect(wrapper.findAll('.booking-card')).toHaveLength(1);
  });
});
