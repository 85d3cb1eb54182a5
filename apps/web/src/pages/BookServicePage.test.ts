import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { BIZ, BOOKING, PET, SERVICE, aBooking, aBusiness, aPet, aService, slotAvailability } from '../test/bookingFixtures';
import { useBookingFlowStore } from '../stores/bookingFlow';
import BookServicePage from './BookServicePage.vue';

const AVAILABILITY = `GET /v1/services/${SERVICE}/availability?from=2025-06-01&to=2025-06-28&pets=1`;
let wrapper: VueWrapper | undefined;

function routes(extra: Parameters<typeof mockFetch>[0] = {}) {
  return {
    [`GET /v1/services/${SERVICE}`]: ok(aService()),
    [`GET /v1/businesses/${BIZ}`]: ok(aBusiness()),
    'GET /v1/pets?status=active': ok([aPet()]),
    'GET /v1/users/me/places': ok([]),
    [AVAILABILITY]: ok(slotAvailability()),
    ...extra,
  };
}

function fieldByLabel(w: VueWrapper, label: string) {
  const labelEl = w.findAll('label').find((l) => l.text().startsWith(label));
  if (!labelEl) throw new Error(`No field labelled ${label}`);
  return w.find(`#${labelEl.attributes('for')}`);
}

/** The map needs WebGL (missing in jsdom); this stand-in has the picker's methods, like a browser without a map. */
const mapless = defineComponent({
  setup(_, { expose }) {
    expose({ pinCentre: () => false, showPoint: () => undefined });
    return () => h('div');
  },
});

async function open() {
  const mounted = await mountPage(BookServicePage, `/book/${SERVICE}`, '/book/:serviceId', { LocationPicker: mapless });
  wrapper = mounted.wrapper;
  await settle();
  return mounted;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2025-06-01T10:00:00Z'));
});
afterEach(() => {
  wrapper?.unmount();
  vi.useRealTimers();
});

describe('booking page', () => {
  it('offers the free times of the chosen day, the price and the cancellation policy', async () => {
    mockFetch(routes());
    await open();
    const page = wrapper!;

    expect(page.find('h1').text()).toBe('Book: Solo walk');
    expect((page.find('input[type="checkbox"]').element as HTMLInputElement).checked).toBe(true);
    expect(
      fieldByLabel(page, 'Date')
        .findAll('option')
        .map((o) => o.attributes('value')),
    ).toEqual(['2025-06-02', '2025-06-03']);
    expect(
      fieldByLabel(page, 'Who')
        .findAll('option')
        .map((o) => o.text()),
    ).toEqual(['Anyone available', 'Will Worker', 'Wanda Walker']);
    // 07:00 and 07:15 UTC are 09:00 and 09:15 in Berlin.
    const times = page.findAll('input[name="slot"]');
    expect(times).toHaveLength(2);
    expect(page.find('fieldset.slot-grid').text()).toMatch(/09:00.*09:15/);
    expect(page.find('.price-table').text()).toContain('€18.00');

    // Another worker or day shows that one's times.
    await fieldByLabel(page, 'Who').setValue('66666666-6666-4666-8666-666666666667');
    await fieldByLabel(page, 'Date').setValue('2025-06-03');
    expect(page.findAll('input[name="slot"]')).toHaveLength(1);
    expect(page.find('fieldset.slot-grid').text()).toMatch(/00:30|12:30\sAM/);
    expect(page.text()).toContain('Cancellation policy: Strict');
    expect(page.text()).toContain('50% refund up to 7 days before the start');
  });

  it('says what is missing and sends nothing', async () => {
    const net = mockFetch(routes());
    await open();

    await wrapper!.find('form').trigger('submit');
    await settle();

    expect(wrapper!.text()).toContain('Choose a time.');
    expect(wrapper!.text()).toContain('Click the map where the service should take place.');
    expect(net.callsTo('POST /v1/bookings')).toHaveLength(0);
  });

  it('requests the booking and goes on to payment', async () => {
    const net = mockFetch(routes({ 'POST /v1/bookings': ok(aBooking(), 201) }));
    const { router } = await open();
    await wrapper!.findAll('input[name="slot"]')[1]!.setValue(true);
    useBookingFlowStore().location.point = { lat: 52.52, lng: 13.405 };

    await wrapper!.find('form').trigger('submit');
    await settle();

    expect(net.callsTo('POST /v1/bookings')[0]?.body).toMatchObject({
      serviceId: SERVICE,
      petIds: [PET],
      startsAt: '2025-06-02T07:15:00.000Z',
      location: { kind: 'owner_home', lat: 52.52, lng: 13.405 },
    });
    expect(router.currentRoute.value.fullPath).toBe(`/bookings/${BOOKING}/pay`);
  });

  it('offers the saved places first and sends the chosen one with its point and address', async () => {
    const place = (id: string, kind: string, label: string, street: string, lat: number) => ({
      id,
      kind,
      label,
      address: { street, city: 'London', postalCode: 'E3 2AA', country: 'United Kingdom' },
      location: { lat, lng: -0.0144 },
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    });
    const net = mockFetch(
      routes({
        'GET /v1/users/me/places': ok([place('p1', 'home', 'Home', '12 Elm Road', 51.5317), place('p2', 'work', 'Work', '1 Canada Square', 51.505)]),
        'POST /v1/bookings': ok(aBooking(), 201),
      }),
    );
    await open();
    const choices = wrapper!.findAll('[data-testid="saved-places"] .choice__title').map((c) => c.text());
    expect(choices).toEqual(['Home — 12 Elm Road, London', 'Work — 1 Canada Square, London', 'Another place']);
    // The home is chosen at once: no map, no coordinates on the page.
    expect((wrapper!.find('input[name="location-place"][value="p1"]').element as HTMLInputElement).checked).toBe(true);
    expect(wrapper!.text()).not.toMatch(/latitude|\d+\.\d{4,}/i);

    await wrapper!.find('input[name="location-place"][value="p2"]').setValue(true);
    await wrapper!.findAll('input[name="slot"]')[1]!.setValue(true);
    await wrapper!.find('form').trigger('submit');
    await settle();
    expect((net.callsTo('POST /v1/bookings')[0]?.body as { location: unknown }).location).toEqual({
      kind: 'custom',
      lat: 51.505,
      lng: -0.0144,
      address: { street: '1 Canada Square', postalCode: 'E3 2AA', city: 'London', country: 'United Kingdom' },
    });
  });

  it('sends the home as owner_home, and "Another place" asks for the address and a pin', async () => {
    const home = {
      id: 'p1',
      kind: 'home',
      label: 'Home',
      address: { street: '12 Elm Road', city: 'London', postalCode: null, country: null },
      location: { lat: 51.5317, lng: -0.0144 },
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    };
    const net = mockFetch(routes({ 'GET /v1/users/me/places': ok([home]), 'POST /v1/bookings': ok(aBooking(), 201) }));
    await open();
    await wrapper!.find('input[name="location-place"][value=""]').setValue(true);
    expect(useBookingFlowStore().location.point).toBeNull();
    expect(wrapper!.find('[data-testid="pin-state"]').text()).toBe('No place chosen yet.');
    useBookingFlowStore().location.point = { lat: 51.52, lng: -0.02 };
    await fieldByLabel(wrapper!, 'Street and number').setValue('3 Oak Lane');
    expect(wrapper!.find('[data-testid="pin-state"]').text()).toBe('Pin placed for 3 Oak Lane.');

    await wrapper!.find('input[name="location-place"][value="p1"]').setValue(true);
    await wrapper!.findAll('input[name="slot"]')[1]!.setValue(true);
    await wrapper!.find('form').trigger('submit');
    await settle();
    expect((net.callsTo('POST /v1/bookings')[0]?.body as { location: unknown }).location).toMatchObject({
      kind: 'owner_home',
      lat: 51.5317,
      lng: -0.0144,
      address: { street: '12 Elm Road', city: 'London' },
    });
  });

  it('shows the free times again when the chosen one was taken meanwhile', async () => {
    const net = mockFetch(routes({ 'POST /v1/bookings': fail(409, 'CONFLICT', 'That time was just booked by someone else.') }));
    const { router } = await open();
    await wrapper!.findAll('input[name="slot"]')[0]!.setValue(true);
    useBookingFlowStore().location.point = { lat: 52.52, lng: 13.405 };

    await wrapper!.find('form').trigger('submit');
    await settle();

    expect(wrapper!.find('[role="alert"]').text()).toContain('That time was just booked by someone else.');
    expect(net.callsTo(AVAILABILITY)).toHaveLength(2);
    expect(router.currentRoute.value.path).toBe(`/book/${SERVICE}`);
  });

  it("places the service at the device's location without a mouse", async () => {
    mockFetch(routes());
    vi.stubGlobal('navigator', {
      ...navigator,
      geolocation: { getCurrentPosition: (ok: PositionCallback) => ok({ coords: { latitude: 52.5312346, longitude: 13.3847654 } } as GeolocationPosition) },
    });
    await open();

    await wrapper!
      .findAll('button')
      .find((b) => b.text() === 'Use my location')!
      .trigger('click');
    expect(useBookingFlowStore().location.point).toEqual({ lat: 52.531235, lng: 13.384765 });
    expect(wrapper!.find('[data-testid="pin-state"]').text()).toBe('Pin placed. Add the address below so the walker finds it.');
    expect(wrapper!.text()).not.toContain('52.53');

    await wrapper!
      .findAll('button')
      .find((b) => b.text() === 'Place at the map centre')!
      .trigger('click');
    expect(wrapper!.text()).toContain('The map is not available in this browser. Use your location instead.');
    vi.unstubAllGlobals();
  });
});
