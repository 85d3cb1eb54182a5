import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BIZ, BOOKING, WORKER, WORKER2, aBooking, aBusiness } from '../test/bookingFixtures';
import BusinessBookingsPage from './BusinessBookingsPage.vue';

let wrapper: VueWrapper | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2025-06-04T10:00:00Z')); // a Wednesday
});
afterEach(() => {
  wrapper?.unmount();
  vi.useRealTimers();
});

const team = [
  { id: WORKER, firstName: 'Will', lastName: 'Worker' },
  { id: WORKER2, firstName: 'Wanda', lastName: 'Walker' },
];
const business = {
  'GET /v1/businesses': ok([aBusiness()]),
  [`GET /v1/businesses/${BIZ}/services`]: ok([]),
  [`GET /v1/businesses/${BIZ}/workers`]: ok(team),
  [`GET /v1/businesses/${BIZ}/worker-invitations`]: ok([]),
  'GET /v1/calendars': ok([{ kind: 'business', subjectId: BIZ, url: 'http://localhost/v1/calendars/secret.ics' }]),
};
const LIST = `GET /v1/bookings?status=pending%2Cconfirmed%2Cin_progress&from=2025-06-04&role=business&businessId=${BIZ}&order=asc&limit=50`;
const WEEK = `GET /v1/bookings?from=2025-06-02&to=2025-06-08&role=business&businessId=${BIZ}&order=asc&limit=100`;

describe('business bookings page', () => {
  it('lists upcoming requests, confirms one and assigns a worker', async () => {
    const pending = aBooking({ status: 'pending', actions: ['confirm', 'decline', 'cancel', 'edit'], worker: null });
    const net = mockFetch({
      ...business,
      [LIST]: ok([pending]),
      [`POST /v1/bookings/${BOOKING}/confirm`]: ok({ ...pending, status: 'confirmed', actions: ['cancel', 'edit'] }),
      [`PUT /v1/bookings/${BOOKING}`]: ok({
        ...pending,
        status: 'confirmed',
        actions: ['cancel', 'edit'],
        worker: { id: WORKER2, name: 'Wanda Walker', photoUrl: null },
      }),
    });
    wrapper = (await mountPage(BusinessBookingsPage, '/business/bookings')).wrapper;
    await settle();

    const card = wrapper.find('.booking-card');
    expect(card.text()).toContain('Waiting for confirmation');
    expect(card.text()).toContain('Olivia Owner');
    await card
      .findAll('button')
      .find((b) => b.text() === 'Confirm booking WD-7K3M-9Q2P')!
      .trigger('click');
    await settle();
    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/confirm`)).toHaveLength(1);
    expect(wrapper.find('.booking-card').text()).toContain('Confirmed');

    await wrapper.find('.booking-card select').setValue(WORKER2);
    await wrapper
      .findAll('.booking-card button')
      .find((b) => b.text().startsWith('Assign'))!
      .trigger('click');
    await settle();
    expect(net.callsTo(`PUT /v1/bookings/${BOOKING}`)[0]?.body).toEqual({ workerId: WORKER2 });
    expect(wrapper.find('.booking-card').text()).toContain('Wanda Walker');
    expect(wrapper.find('.calendar-feeds input').element).toHaveProperty('value', 'http://localhost/v1/calendars/secret.ics');
  });

  it('shows the week from Monday to Sunday with each booking on its local day', async () => {
    const late = aBooking({ id: 'late', startsAt: '2025-06-05T22:30:00.000Z', endsAt: '2025-06-05T23:30:00.000Z' }); // Friday 00:30 in Berlin
    const net = mockFetch({ ...business, [LIST]: ok([]), [WEEK]: ok([aBooking({ status: 'confirmed' }), late]) });
    wrapper = (await mountPage(BusinessBookingsPage, '/business/bookings')).wrapper;
    await settle();

    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Week')!
      .trigger('click');
    await settle();

    expect(net.callsTo(WEEK)).toHaveLength(1);
    const days = wrapper.findAll('.calendar__day');
    expect(days).toHaveLength(7);
    expect(days[0]!.text()).toContain('Mon, Jun 2');
    expect(days[0]!.text()).toContain('Solo walk');
    expect(days[0]!.text()).toContain('Confirmed');
    expect(days[4]!.text()).toContain('Solo walk');
    expect(days[2]!.text()).toContain('Today');
  });

  it("finds one of the business's bookings by its number, and a new filter shows the list again", async () => {
    const FIND = (number: string) => `GET /v1/bookings?role=business&businessId=${BIZ}&number=${number}&limit=50`;
    const PAST = `GET /v1/bookings?status=completed%2Ccancelled%2Cdeclined%2Cexpired&role=business&businessId=${BIZ}&order=desc&limit=50`;
    const net = mockFetch({
      ...business,
      [LIST]: ok([aBooking(), aBooking({ id: 'b2', number: 'WD-2222-2222' })]),
      [FIND('WD-7K3M-9Q2P')]: ok([aBooking({ status: 'completed', actions: [] })]),
      [FIND('WD-3333-3333')]: ok([]),
      [PAST]: ok([]),
    });
    wrapper = (await mountPage(BusinessBookingsPage, '/business/bookings')).wrapper;
    await settle();
    expect(wrapper.findAll('.booking-card')).toHaveLength(2);
    const search = wrapper.find('form[role="search"]');

    await search.find('input').setValue('wd-7k3m-9q2p');
    await search.trigger('submit');
    await settle();
    expect(net.callsTo(FIND('WD-7K3M-9Q2P'))).toHaveLength(1);
    expect(wrapper.findAll('.booking-card')).toHaveLength(1);
    expect(wrapper.find('.booking-card').text()).toContain('Completed');

    await search.find('input').setValue('WD-3333-3333');
    await search.trigger('submit');
    await settle();
    expect(wrapper.text()).toContain('None of your bookings has the number WD-3333-3333.');

    await search.find('input').setValue('WD 3333');
    await search.trigger('submit');
    expect(search.find('.field__error').text()).toBe('A booking number looks like WD-7K3M-9Q2P.');
    expect(net.calls.filter((c) => c.path.includes('number='))).toHaveLength(2);

    await wrapper.find('select').setValue('past');
    await settle();
    expect(net.callsTo(PAST)).toHaveLength(1);
    expect(wrapper.find('form[role="search"] input').element).toHaveProperty('value', '');
  });
});
