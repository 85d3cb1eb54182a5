import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import type { BusinessOverview, OverviewRequest } from '@walkydoggy/shared';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BIZ, BOOKING, WORKER, aBooking, aBusiness } from '../test/bookingFixtures';
import BusinessDashboardPage from './BusinessDashboardPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  location.hash = '';
});

const OTHER = '77777777-7777-4777-8777-777777777778';
const request = (id: string, number: string, overrides: Partial<OverviewRequest> = {}): OverviewRequest => ({
  id,
  number,
  status: 'pending',
  startsAt: '2025-06-05T08:00:00.000Z',
  endsAt: '2025-06-05T09:00:00.000Z',
  serviceName: 'Group walk',
  workerName: null,
  ownerName: 'Olivia Owner',
  petNames: ['Bella'],
  placeLabel: 'Chausseestraße 10, Berlin',
  totalMinor: 2500,
  currency: 'EUR',
  createdAt: '2025-06-03T08:00:00.000Z',
  expiresAt: '2025-06-04T08:00:00.000Z',
  ...overrides,
});

function anOverview(overrides: Partial<BusinessOverview> = {}): BusinessOverview {
  return {
    businessId: BIZ,
    timeZone: 'Europe/Berlin',
    date: '2025-06-04',
    weekStart: '2025-06-02',
    weekEnd: '2025-06-08',
    today: [
      {
        id: OTHER,
        number: 'WD-AAAA-BBBB',
        status: 'confirmed',
        startsAt: '2025-06-04T07:00:00.000Z',
        endsAt: '2025-06-04T08:00:00.000Z',
        serviceName: 'Morning walk',
        workerName: 'Will Worker',
        ownerName: 'Olivia Owner',
        petNames: ['Rex', 'Bella'],
        placeLabel: 'At the business',
        totalMinor: 2500,
        currency: 'EUR',
      },
    ],
    todayTruncated: false,
    requests: [request(BOOKING, 'WD-7K3M-9Q2P'), request('77777777-7777-4777-8777-777777777779', 'WD-CCCC-DDDD', { serviceName: 'Day care' })],
    requestsTotal: 2,
    week: { bookings: 7, revenueMinor: 12345, currency: 'EUR' },
    workersOnline: [{ workerId: WORKER, name: 'Will Worker', onlineAt: '2025-06-04T06:30:00.000Z' }],
    payouts: {
      ready: false,
      setupPath: '/business/payouts',
      items: [
        { item: 'account_created', label: 'Create your payout account', hint: 'h1', done: true },
        { item: 'details_submitted', label: 'Finish the details Stripe asks for', hint: 'h2', done: false },
        { item: 'charges_enabled', label: 'Card payments enabled by Stripe', hint: 'h3', done: false },
        { item: 'payouts_enabled', label: 'Payouts enabled by Stripe', hint: 'h4', done: false },
      ],
    },
    ...overrides,
  };
}

const business = {
  'GET /v1/businesses': ok([aBusiness()]),
  [`GET /v1/businesses/${BIZ}/services`]: ok([]),
  [`GET /v1/businesses/${BIZ}/workers`]: ok([]),
  [`GET /v1/businesses/${BIZ}/worker-invitations`]: ok([]),
};

async function open(routes: Parameters<typeof mockFetch>[0]) {
  const net = mockFetch({ ...business, ...routes });
  wrapper = (await mountPage(BusinessDashboardPage, '/business', '/business', { TeamLiveMap: true })).wrapper;
  await settle();
  return net;
}

const section = (w: VueWrapper, heading: string) => w.findAll('section[aria-labelledby]').find((s) => s.find('h2').text() === heading)!;
const buttonsOf = (el: ReturnType<VueWrapper['find']>, name: string) => el.findAll('button').filter((b) => b.text() === name);

describe('business home', () => {
  it('is the first tab and shows today, requests, the week, who is online and what is missing for payouts', async () => {
    await open({ [`GET /v1/businesses/${BIZ}/overview`]: ok(anOverview()) });
    expect(wrapper!.find('[role="tab"][aria-selected="true"]').text()).toBe('Home');
    const today = section(wrapper!, 'Today').text();
    expect(today).toContain('09:00');
    expect(today).toContain('Morning walk');
    expect(today).toContain('Rex, Bella');
    expect(today).toContain('Will Worker');
    expect(today).toContain('At the business');
    const requests = section(wrapper!, 'Requests waiting').findAll('li');
    expect(requests).toHaveLength(2);
    expect(requests[0]!.text()).toContain('WD-7K3M-9Q2P · Olivia Owner · Bella · Chausseestraße 10, Berlin');
    const week = section(wrapper!, 'This week').text();
    expect(week).toContain('7');
    expect(week).toContain('€123.45');
    expect(section(wrapper!, 'Workers online now').text()).toContain('Will Worker');
    const payouts = section(wrapper!, 'Before you can be paid');
    expect(payouts.findAll('li').map((li) => li.find('.checklist__mark').text())).toEqual(['✓', '✗', '✗', '✗']);
    expect(payouts.find('a').attributes('href')).toBe('/business/payouts');
  });

  it('says so when the day is empty, and hides the payout checklist once everything is done', async () => {
    const done = anOverview().payouts.items.map((i) => ({ ...i, done: true }));
    await open({
      [`GET /v1/businesses/${BIZ}/overview`]: ok(
        anOverview({ today: [], requests: [], requestsTotal: 0, workersOnline: [], payouts: { ready: true, items: done, setupPath: '/business/payouts' } }),
      ),
    });
    expect(section(wrapper!, 'Today').text()).toContain('No bookings today.');
    expect(section(wrapper!, 'Requests waiting').text()).toContain('No requests waiting');
    expect(section(wrapper!, 'Workers online now').text()).toContain('Nobody of your team is online.');
    expect(section(wrapper!, 'Before you can be paid')).toBeUndefined();
  });

  it('accepts a request in place: the confirm endpoint is called and the request leaves the list', async () => {
    const net = await open({
      [`GET /v1/businesses/${BIZ}/overview`]: ok(anOverview()),
      [`POST /v1/bookings/${BOOKING}/confirm`]: ok(aBooking({ status: 'confirmed' })),
    });
    const requests = section(wrapper!, 'Requests waiting');
    await buttonsOf(requests, 'Accept')[0]!.trigger('click');
    await settle();
    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/confirm`)).toHaveLength(1);
    const left = section(wrapper!, 'Requests waiting').findAll('li');
    expect(left).toHaveLength(1);
    expect(left[0]!.text()).toContain('Day care');
  });

  it('declines with the reason given, and puts a refused answer back with its error', async () => {
    const net = await open({
      [`GET /v1/businesses/${BIZ}/overview`]: ok(anOverview()),
      [`POST /v1/bookings/${BOOKING}/decline`]: ok(aBooking({ status: 'declined' })),
      'POST /v1/bookings/77777777-7777-4777-8777-777777777779/confirm': fail(409, 'CONFLICT', 'An expired booking cannot be confirmed.'),
    });
    let requests = section(wrapper!, 'Requests waiting');
    await buttonsOf(requests, 'Decline')[0]!.trigger('click');
    await wrapper!.find('textarea').setValue('Fully booked that day');
    await wrapper!.find('form.biz-home__decline').trigger('submit');
    await settle();
    expect(net.callsTo(`POST /v1/bookings/${BOOKING}/decline`)[0]!.body).toEqual({ reason: 'Fully booked that day' });
    requests = section(wrapper!, 'Requests waiting');
    expect(requests.findAll('li')).toHaveLength(1);

    await buttonsOf(requests, 'Accept')[0]!.trigger('click');
    await settle();
    requests = section(wrapper!, 'Requests waiting');
    expect(requests.findAll('li')).toHaveLength(1);
    expect(requests.find('[role="alert"]').text()).toBe('An expired booking cannot be confirmed.');
  });
});
