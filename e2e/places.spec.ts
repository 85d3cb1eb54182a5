import type { Page } from 'playwright-core';
import { apiAs, apiSignIn, registerVerified, signInThroughForm } from './support/api.js';
import { PHONE, assert, assertNoSidewaysScroll, type E2ETest } from './support/harness.js';
import { DEMO } from './support/server.js';

const stamp = Date.now();
const password = 'long walks on the beach';
/** Digits-with-decimals as in "51.47810, -0.19960": what a page must never show for a place. */
const COORDINATES = /-?\d{1,3}\.\d{4,}/;

type Service = { id: string; name: string; type: string; active: boolean };

async function noCoordinates(page: Page, where: string) {
  const text = await page.locator('main').innerText();
  assert(!COORDINATES.test(text), `${where} shows coordinates: ${text.match(COORDINATES)?.[0]}`);
}

export const tests: E2ETest[] = [1280, PHONE.width].map((width) => ({
  name: `an owner saves a home on the profile, books at it by its address and sees the address on the confirmation (${width} px)`,
  async run({ newPage, screenshot, dataDir }) {
    const email = `places.${width}.${stamp}@example.com`;
    const page = await newPage(width === PHONE.width ? PHONE : { width: 1280, height: 860 });
    await registerVerified(page, dataDir, { email, password, firstName: 'Hana', lastName: 'Home', role: 'pet_owner' });
    await signInThroughForm(page, email, password);
    const owner = await apiAs(page);
    assert((await owner.post('/v1/pets', { name: 'Bello', species: 'dog' })).status === 201, 'creating the pet failed');

    const business = await apiSignIn(await newPage(), DEMO.business, DEMO.password);
    const { data: mine } = await business.get<{ id: string; location: { lat: number; lng: number } }[]>('/v1/businesses');
    const biz = mine[0]!;
    const { data: services } = await business.get<Service[]>(`/v1/businesses/${biz.id}/services`);
    const walk = services.find((s) => s.type === 'walking' && s.active);
    assert(walk, 'the demo business has no walking service');

    // A saved home near the business (typing the address and moving the pin is what the form does; the API stores the same).
    const home = await owner.post<{ id: string }>('/v1/users/me/places', {
      kind: 'home',
      address: { street: '12 Elm Road', city: 'London', postalCode: 'SW6 1AA', country: 'United Kingdom' },
      location: { lat: biz.location.lat + 0.003, lng: biz.location.lng - 0.004 },
    });
    assert(home.status === 201, `saving the home answered ${home.status}: ${JSON.stringify(home.error)}`);

    await page.goto('/profile');
    await page.getByRole('heading', { name: 'Saved places' }).waitFor();
    await page.getByTestId('place-list').getByText('12 Elm Road, SW6 1AA London, United Kingdom').waitFor();
    await page.getByRole('button', { name: 'Add a place' }).click();
    await page.getByRole('heading', { name: 'Add a place' }).waitFor();
    await screenshot(page, `60-profile-saved-places-${width}`);
    if (width === PHONE.width) await assertNoSidewaysScroll(page, 'the profile page');

    await page.goto(`/book/${walk.id}`);
    await page.getByRole('heading', { name: `Book: ${walk.name}` }).waitFor();
    const saved = page.getByTestId('saved-places');
    await saved.getByText('Home — 12 Elm Road, London').waitFor();
    assert(await saved.locator('input[type="radio"]').first().isChecked(), 'the saved home is not chosen by default');
    await page.locator('input[name="slot"]').first().check();
    await screenshot(page, `61-booking-at-saved-home-${width}`);
    if (width === PHONE.width) await assertNoSidewaysScroll(page, 'the booking form');
    await noCoordinates(page, 'the booking form');
    await page.getByRole('button', { name: 'Request booking' }).click();
    await page.waitForURL('**/bookings/*/pay');
    const bookingId = new URL(page.url()).pathname.split('/')[2]!;
    await page.getByRole('button', { name: 'Confirm test payment' }).click();
    await page.waitForURL(`**/bookings/${bookingId}/confirmed`);
    await page.getByText('Your home: 12 Elm Road, SW6 1AA London, United Kingdom').waitFor();
    await noCoordinates(page, 'the confirmation');
    await screenshot(page, `62-booking-confirmed-address-${width}`);
    if (width === PHONE.width) await assertNoSidewaysScroll(page, 'the confirmation');

    await page.goto(`/bookings/${bookingId}`);
    await page.getByText('Your home: 12 Elm Road, SW6 1AA London, United Kingdom').waitFor();
    await noCoordinates(page, 'the booking page');
    await screenshot(page, `63-booking-page-address-${width}`);
    const { data: booking } = await owner.get<{ location: { kind: string; address: { street: string } } }>(`/v1/bookings/${bookingId}`);
    assert(booking.location.kind === 'owner_home' && booking.location.address.street === '12 Elm Road', `stored ${JSON.stringify(booking.location)}`);
  },
}));
