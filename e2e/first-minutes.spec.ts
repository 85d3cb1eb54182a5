/**
 * The first five minutes, as issue 11 describes them, on a desktop and on a 390 × 844 phone: a new owner
 * types "Fulham" on the landing page, picks a date, books a walk at their saved home and reads the address
 * (not coordinates) on the confirmation; the manager accepts the request from the business home; the worker
 * opens the job card and finds the care notes and a navigation link.
 */
import type { Page } from 'playwright-core';
import { apiSignIn, registerVerified, signInThroughForm, type ApiClient } from './support/api.js';
import { PHONE, assert, type E2ETest } from './support/harness.js';
import { DEMO } from './support/server.js';

const stamp = Date.now();
const password = 'a first walk in Fulham';
const COORDINATES = /-?\d{1,3}\.\d{4,}/;
const DAY = 86_400_000;

type Service = { id: string; name: string; type: string; active: boolean };
type Slot = { startsAt: string; endsAt: string };

const londonDate = (instant: string | number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(instant));

async function noCoordinates(page: Page, where: string) {
  const text = await page.locator('main').innerText();
  assert(!COORDINATES.test(text), `${where} shows coordinates: ${text.match(COORDINATES)?.[0]}`);
}

/** The demo business (in Fulham) and its walk, and the first day from the day after tomorrow with a free slot. */
async function demoWalk(business: ApiClient) {
  const { data: mine } = await business.get<{ id: string; name: string; location: { lat: number; lng: number } }[]>('/v1/businesses');
  const biz = mine[0]!;
  const { data: services } = await business.get<Service[]>(`/v1/businesses/${biz.id}/services`);
  const walk = services.find((s) => s.type === 'walking' && s.active);
  assert(walk, 'the demo business has no walking service');
  const from = londonDate(Date.now() + 2 * DAY);
  const to = londonDate(Date.now() + 12 * DAY);
  const { data } = await business.get<{ slots: Slot[] }>(`/v1/services/${walk.id}/availability?from=${from}&to=${to}&pets=1`);
  const slot = data.slots[0];
  assert(slot, `the demo walk has no free slot from ${from} to ${to}`);
  return { biz, walk, date: londonDate(slot.startsAt) };
}

export const tests: E2ETest[] = [1280, PHONE.width].map((width) => ({
  name: `the first five minutes: Fulham on the landing page, a walk booked at the saved home, accepted from the business home, the worker's job card (${width} px)`,
  async run({ newPage, screenshot, dataDir }) {
    const size = width === PHONE.width ? PHONE : { width: 1280, height: 860 };
    const tag = width === PHONE.width ? 'phone' : 'desktop';
    const email = `first.${width}.${stamp}@example.com`;

    // A new owner with a dog whose care notes the walker must read, and a saved home in Fulham (the API
    // stores what the profile form sends; tests/places.spec.ts fills that form).
    const setup = await newPage();
    await registerVerified(setup, dataDir, { email, password, firstName: 'Fern', lastName: 'First', role: 'pet_owner' });
    const owner = await apiSignIn(await newPage(), email, password);
    const business = await apiSignIn(await newPage(), DEMO.business, DEMO.password);
    const { biz, walk, date } = await demoWalk(business);
    const pet = await owner.post<{ id: string }>('/v1/pets', {
      name: 'Pip',
      species: 'dog',
      allergies: ['chicken'],
      medications: [{ name: 'Apoquel', dose: '5 mg', schedule: 'with breakfast', notes: '' }],
      temperament: 'Shy with big dogs',
      feedingNotes: 'No treats after 6 pm',
      vet: { name: 'Dr Patel', clinic: 'Fulham Vets', phone: '+442071234567', address: '' },
      emergencyContact: { name: 'Sam First', phone: '+447700900123', relation: 'partner' },
    });
    assert(pet.status === 201, `creating the pet answered ${pet.status}: ${JSON.stringify(pet.error)}`);
    const home = await owner.post('/v1/users/me/places', {
      kind: 'home',
      address: { street: '8 Munster Road', city: 'London', postalCode: 'SW6 4EN', country: 'United Kingdom' },
      location: { lat: biz.location.lat + 0.002, lng: biz.location.lng - 0.002 },
    });
    assert(home.status === 201, `saving the home answered ${home.status}: ${JSON.stringify(home.error)}`);

    // Signed out on the landing page: "Fulham", a walk, a date.
    const page = await newPage(size);
    await page.goto('/');
    const where = page.getByRole('combobox', { name: 'Where do you need care?' });
    await where.fill('Fulham');
    await page
      .getByRole('option', { name: /^Fulham, London/ })
      .first()
      .waitFor();
    await where.press('ArrowDown');
    await where.press('Enter');
    await page.getByLabel('Service').selectOption('walking');
    await page.getByLabel(/^Date/).fill(date);
    await screenshot(page, `70-first-landing-${tag}`);
    await page.getByRole('button', { name: 'Find care' }).click();
    await page.waitForURL(/\/search\?/);
    await page.getByText(/businesses? near Fulham/).waitFor();
    const result = page.locator('.result', { hasText: biz.name });
    await result.waitFor();
    await screenshot(page, `71-first-search-${tag}`);

    // The business, its walk, and sign-in on the way (brought back to the booking form).
    await result.getByRole('link', { name: biz.name }).first().click();
    await page.getByRole('heading', { name: biz.name, level: 1 }).waitFor();
    await page.getByRole('link', { name: `Book ${walk.name}` }).click();
    await page.waitForURL('**/signin**');
    await page.getByLabel('E-mail', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: `Book: ${walk.name}` }).waitFor();

    // The saved home comes first and is chosen; the date from the landing page has a slot.
    const saved = page.getByTestId('saved-places');
    await saved.getByText('Home — 8 Munster Road, London').waitFor();
    assert(await saved.locator('input[type="radio"]').first().isChecked(), 'the saved home is not chosen by default');
    await page.getByLabel('Date', { exact: true }).selectOption(date);
    await page.locator('input[name="slot"]').first().check();
    await noCoordinates(page, 'the booking form');
    await screenshot(page, `72-first-booking-form-${tag}`);
    await page.getByRole('button', { name: 'Request booking' }).click();
    await page.waitForURL('**/bookings/*/pay');
    const bookingId = new URL(page.url()).pathname.split('/')[2]!;
    await page.getByRole('button', { name: 'Confirm test payment' }).click();
    await page.waitForURL(`**/bookings/${bookingId}/confirmed`);
    await page.getByText('Your home: 8 Munster Road, SW6 4EN London, United Kingdom').waitFor();
    await noCoordinates(page, 'the confirmation');
    await screenshot(page, `73-first-confirmed-${tag}`);
    const { data: booking } = await owner.get<{ number: string; status: string; worker: { id: string } | null }>(`/v1/bookings/${bookingId}`);

    // The manager accepts it where they land: the business home.
    const manager = await newPage(size);
    await signInThroughForm(manager, DEMO.business, DEMO.password);
    await manager.waitForURL('**/business');
    const requests = manager.getByRole('region', { name: 'Requests waiting' });
    const request = requests.getByRole('listitem').filter({ hasText: booking.number });
    await request.waitFor();
    await screenshot(manager, `74-first-business-home-${tag}`);
    await request.getByRole('button', { name: /^Accept/ }).click();
    await request.waitFor({ state: 'detached' });
    const { data: accepted } = await owner.get<{ status: string }>(`/v1/bookings/${bookingId}`);
    assert(accepted.status === 'confirmed', `after Accept the booking is ${accepted.status}`);

    // The worker: Today, the job card with the care notes, the address and a navigation link.
    const worker = await newPage(PHONE);
    await signInThroughForm(worker, DEMO.worker, DEMO.password);
    await worker.waitForURL('**/worker/today');
    const job = worker.locator('.booking-card', { hasText: booking.number });
    await job.waitFor();
    const card = job.getByTestId('job-card');
    await card.getByText('8 Munster Road').first().waitFor();
    const care = card.getByRole('region', { name: 'Care notes for Pip' });
    for (const note of ['chicken', 'Apoquel', 'No treats after 6 pm', 'Dr Patel', 'Sam First']) await care.getByText(note, { exact: false }).first().waitFor();
    const nav = card.getByRole('link', { name: 'Open in maps' });
    const href = (await nav.getAttribute('href')) ?? '';
    assert(/^https:\/\/www\.google\.com\/maps\/dir\/\?api=1&destination=/.test(href), `the navigation link is ${href}`);
    await screenshot(worker, `75-first-worker-job-card-${tag}`);
  },
}));
