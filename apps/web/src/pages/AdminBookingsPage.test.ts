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

  it('finds a booking by its number, however it is typed, and goes back to the list', async () => {
    const UPCOMING = 'GET /v1/bookings?status=pending%2Cconfirmed%2Cin_progress&order=asc&limit=50';
    const net = mockFetch({
      [UPCOMING]: ok([aBooking(), aBooking({ id: 'b2', number: 'WD-2222-2222' })]),
      'GET /v1/bookings?number=WD-7K3M-9Q2P&limit=50': ok([aBooking({ status: 'cancelled' })]),
      'GET /v1/bookings?number=WD-3333-3333&limit=50': ok([]),
    });
    wrapper = (await mountPage(AdminBookingsPage, '/admin/bookings')).wrapper;
    await settle();
    const search = wrapper.find('form[role="search"]');
    const input = search.find('input');

    await input.setValue('WD-7K3M');
    await search.trigger('submit');
    expect(search.find('.field__error').text()).toBe('A booking number looks like WD-7K3M-9Q2P.');
    expect(net.calls).toHaveLength(1);

    await input.setValue(' wd-7k3m-9q2p ');
    await search.trigger('submit');
    await settle();
    expect(net.callsTo('GET /v1/bookings?number=WD-7K3M-9Q2P&limit=50')).toHaveLength(1);
    expect(wrapper.findAll('.booking-card')).toHaveLength(1);
    expect(wrapper.find('.booking-card').text()).toContain('Cancelled');
    expect(search.find('.field__error').exists()).toBe(false);

    await input.setValue('WD-3333-3333');
    await search.trigger('submit');
    await settle();
    expect(wrapper.text()).toContain('No booking has the number WD-3333-3333.');

    await search
      .findAll('button')
      .find((b) => b.text() === 'Show all')!
      .trigger('click');
    await settle();
    expect(net.callsTo(UPCOMING)).toHaveLength(2);
    expect(wrapper.findAll('.booking-card')).toHaveLength(2);
    expect((input.element as HTMLInputElement).value).toBe('');
  });
});
