import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import type { Booking } from '@walkydoggy/shared';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BIZ, BOOKING, PAYMENT, PET, PET2, SERVICE, aBooking, aBusiness, aPet, aService, slotAvailability } from '../test/bookingFixtures';
import EditBookingPage from './EditBookingPage.vue';

/** The booking's own hold is left out, so its time is offered. */
const AVAILABILITY = (pets: number) => `GET /v1/services/${SERVICE}/availability?from=2025-06-01&to=2025-06-28&pets=${pets}&excludeBookingId=${BOOKING}`;
const GET = `GET /v1/bookings/${BOOKING}`;
const PUT = `PUT /v1/bookings/${BOOKING}`;
const pending = aBooking({
  actions: ['cancel', 'edit'],
  payment: { id: PAYMENT, status: 'authorized', amountMinor: 1800, refundedMinor: 0, currency: 'EUR' },
});
let wrapper: VueWrapper | undefined;

/** The API keeps the booking: after the PUT, reads give `changed` (unless the PUT is refused). */
function routes(changed: Booking, { booking = pending, refuse }: { booking?: Booking; refuse?: ReturnType<typeof fail> } = {}) {
  let current = booking;
  return {
    [GET]: () => ok(current),
    [PUT]: () => {
      if (refuse) return refuse;
      current = changed;
      return ok(current);
    },
    [`GET /v1/services/${SERVICE}`]: ok(aService()),
    [`GET /v1/businesses/${BIZ}`]: ok(aBusiness()),
    'GET /v1/pets?status=active': ok([aPet(), aPet({ id: PET2, name: 'Rex' })]),
    [AVAILABILITY(1)]: ok(slotAvailability()),
    [AVAILABILITY(2)]: ok(slotAvailability()),
  };
}

async function open() {
  const mounted = await mountPage(EditBookingPage, `/bookings/${BOOKING}/edit`, '/bookings/:id/edit');
  wrapper = mounted.wrapper;
  await settle();
  return mounted;
}

const save = async (page: VueWrapper) => {
  await page.find('form[aria-label="Change the booking"]').trigger('submit');
  await settle();
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2025-06-01T10:00:00Z'));
});
afterEach(() => {
  wrapper?.unmount();
  vi.useRealTimers();
});

describe('changing a booking', () => {
  it('moves it to another free time at the same price and goes back to the booking', async () => {
    const net = mockFetch(routes({ ...pending, startsAt: '2025-06-02T07:15:00.000Z', endsAt: '2025-06-02T08:15:00.000Z' }));
    const { router } = await open();
    const page = wrapper!;
    expect(page.find('h1').text()).toBe('Change booking WD-7K3M-9Q2P');
    expect(page.text()).toContain('Now: ');
    expect(page.text()).toContain('The price stays €18.00');
    // Its own time is chosen, and marked, among the free ones.
    const own = page.find(`input[name="slot"][value="${pending.startsAt}"]`);
    expect((own.element as HTMLInputElement).checked).toBe(true);
    expect(own.element.closest('label')?.textContent).toContain('current');
    expect(page.text()).toContain('The current time is chosen below; choose another one to move the booking.');

    await page.find('input[name="slot"][value="2025-06-02T07:15:00.000Z"]').setValue(true);
    expect(page.find('.edit-new-time').text()).toContain('New time:');
    await page
      .findAll('button')
      .find((b) => b.text() === 'Keep the current time')!
      .trigger('click');
    expect(page.find('.edit-new-time').exists()).toBe(false);
    expect((page.find(`input[name="slot"][value="${pending.startsAt}"]`).element as HTMLInputElement).checked).toBe(true);

    await page.find('input[name="slot"][value="2025-06-02T07:15:00.000Z"]').setValue(true);
    await save(page);

    expect(net.callsTo(PUT)[0]?.body).toEqual({ startsAt: '2025-06-02T07:15:00.000Z' });
    expect(router.currentRoute.value.fullPath).toBe(`/bookings/${BOOKING}?changed=1`);
  });

  it('warns that a new price releases the reservation, then goes on to paying again', async () => {
    const net = mockFetch(routes({ ...pending, petCount: 2, actions: ['cancel', 'edit', 'pay'], payment: null }));
    const { router } = await open();
    const page = wrapper!;

    const rex = page.findAll('label.check').find((l) => l.text().includes('Rex'))!;
    await rex.find('input').setValue(true);
    await settle();

    const warning = page.find('.alert--warning').text();
    expect(warning).toContain('From €18.00 to €25.00.');
    expect(warning).toContain('The €18.00 reserved on your card is released, and you are asked to pay €25.00 again right after saving.');
    expect(net.callsTo(AVAILABILITY(2))).toHaveLength(1); // free times for two pets
    await save(page);

    expect(net.callsTo(PUT)[0]?.body).toEqual({ petIds: [PET, PET2] });
    expect(router.currentRoute.value.fullPath).toBe(`/bookings/${BOOKING}/pay`);
  });

  it('sends nothing when nothing changed, and shows what the API refused', async () => {
    const net = mockFetch(routes(pending, { refuse: fail(409, 'CONFLICT', 'That time was just taken. Choose another one.') }));
    await open();
    const page = wrapper!;

    await save(page);
    expect(page.text()).toContain('Nothing was changed.');
    expect(net.callsTo(PUT)).toHaveLength(0);

    await page.find('input[name="slot"][value="2025-06-02T07:15:00.000Z"]').setValue(true);
    await save(page);
    expect(page.find('[role="alert"]').text()).toBe('That time was just taken. Choose another one.');
    expect(net.callsTo(AVAILABILITY(1)).length).toBeGreaterThanOrEqual(2); // the free times were read again
  });

  it('explains that a confirmed booking cannot be changed', async () => {
    const net = mockFetch(routes(pending, { booking: aBooking({ status: 'confirmed', actions: ['cancel'] }) }));
    await open();

    expect(wrapper!.text()).toContain('This booking cannot be changed');
    expect(wrapper!.find('form').exists()).toBe(false);
    expect(net.callsTo(`GET /v1/services/${SERVICE}`)).toHaveLength(0);
  });
});
