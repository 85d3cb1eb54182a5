import type { Page } from 'playwright-core';
import { apiSignIn, eventually, signInThroughForm, type ApiClient } from './support/api.js';
import { assert, type E2ETest } from './support/harness.js';
import { DEMO } from './support/server.js';

/** The seed's demo pet owner (apps/api/src/seed/seed-city.ts DEMO_ACCOUNTS); same password as the other demo sign-ins. */
const DEMO_OWNER = 'owner@demo.walkydoggy.test';
const HOUR = 3_600_000;

type Slot = { startsAt: string; workers: number[] };
type Availability = { kind: 'slot'; workers: { workerId: string }[]; slots: Slot[] };
type Booking = { id: string; number: string; status: string };
type WalkReport = { distanceMeters: number; events: { kind: string }[]; notes: string | null; counts: Record<string, number> };

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A confirmed walk of the demo owner with the demo worker, at the worker's first free slot (the worker's
 * "Today" page lists a week ahead), made through the API the way the demo data is: book, pay in test
 * mode, the business confirms.
 */
async function confirmedWalk(owner: ApiClient, business: ApiClient, workerId: string): Promise<Booking> {
  const { data: businesses } = await business.get<{ id: string; location: { lat: number; lng: number } }[]>('/v1/businesses');
  const biz = businesses[0];
  assert(biz, `the demo business owner ${DEMO.business} has no business`);
  const { data: services } = await business.get<{ id: string; type: string; active: boolean }[]>(`/v1/businesses/${biz.id}/services`);
  const walk = services.find((s) => s.type === 'walking' && s.active);
  assert(walk, 'the demo business has no active walking service');
  const { data: availability } = await owner.get<Availability>(
    `/v1/services/${walk.id}/availability?from=${isoDate(Date.now())}&to=${isoDate(Date.now() + 6 * 24 * HOUR)}&pets=1&workerId=${workerId}`,
  );
  const slot = availability.slots[0];
  assert(slot, `the demo worker has no free walk in the next six days: ${JSON.stringify(availability.workers)}`);
  const { data: pets } = await owner.get<{ id: string }[]>('/v1/pets');
  const petId = pets[0]?.id ?? (await owner.post<{ id: string }>('/v1/pets', { name: 'Biscuit', species: 'dog' })).data.id;
  const created = await owner.post<Booking>(
    '/v1/bookings',
    { serviceId: walk.id, petIds: [petId], startsAt: slot.startsAt, workerId, location: { kind: 'owner_home', ...biz.location } },
    { 'idempotency-key': `e2e-walk-${Date.now()}` },
  );
  assert(created.status === 201, `booking answered ${created.status}: ${JSON.stringify(created.error)}`);
  const intent = await owner.post<{ payment: { id: string } }>('/v1/payments/intent', { bookingId: created.data.id });
  assert(intent.status === 201, `the payment intent answered ${intent.status}: ${JSON.stringify(intent.error)}`);
  const paid = await owner.post('/v1/payments/confirm', { paymentId: intent.data.payment.id });
  assert(paid.status === 200, `the test payment answered ${paid.status}: ${JSON.stringify(paid.error)}`);
  const confirmed = await business.post<Booking>(`/v1/bookings/${created.data.id}/confirm`);
  assert(confirmed.status === 200, `confirm answered ${confirmed.status}: ${JSON.stringify(confirmed.error)}`);
  return confirmed.data;
}

/** What the owner's live page says about the worker's last position ("120 m from the booking's address"). */
const shownPosition = async (page: Page) =>
  (
    await page
      .getByTestId('position-text')
      .textContent()
      .catch(() => null)
  )?.trim() ?? null;

export const tests: E2ETest[] = [
  {
    name: 'a worker goes online and walks a confirmed booking; the owner follows the marker and the events live, then reads the walk report',
    async run({ newPage, screenshot }) {
      // API sessions in contexts of their own, so their cookies do not sign in the browsers below.
      const owner = await apiSignIn(await newPage(), DEMO_OWNER, DEMO.password);
      const business = await apiSignIn(await newPage(), DEMO.business, DEMO.password);
      const workerApi = await apiSignIn(await newPage(), DEMO.worker, DEMO.password);
      const { data: me } = await workerApi.get<{ id: string }>('/v1/workers/me');
      const booking = await confirmedWalk(owner, business, me.id);

      // The worker: a phone-sized browser that may read its position, standing at the business.
      const worker = await newPage({ width: 390, height: 844 });
      await worker.context().grantPermissions(['geolocation']);
      // At the demo business, in Fulham (apps/api/src/seed/cities.ts).
      const start = { latitude: 51.4781, longitude: -0.1996 };
      await worker.context().setGeolocation({ ...start, accuracy: 10 });
      await signInThroughForm(worker, DEMO.worker, DEMO.password);
      await worker.goto('/worker/today');
      const job = worker.locator('.booking-card', { hasText: booking.number });
      await job.waitFor();

      // The owner opens the live page before the walk starts.
      const ownerPage = await newPage();
      await signInThroughForm(ownerPage, DEMO_OWNER, DEMO.password);
      await ownerPage.goto(`/bookings/${booking.id}/live`);
      await ownerPage.getByRole('heading', { name: /^Live walk/ }).waitFor();
      await ownerPage.locator('.connection--connected').waitFor();

      await worker.getByRole('button', { name: 'Go online' }).click();
      await worker.getByText('You are online').waitFor();
      await job.getByRole('button', { name: `Start ${booking.number}` }).click();
      await job.getByText('In progress', { exact: true }).waitFor();
      await ownerPage.getByText('In progress', { exact: true }).waitFor();

      // Walk east along a street, ~20 m every 1.5 s (a dog's pace, under the API's one update a second).
      let last = '';
      for (let step = 1; step <= 5; step++) {
        const position = { latitude: start.latitude, longitude: start.longitude + step * 0.0003 };
        await worker.context().setGeolocation({ ...position, accuracy: 10 });
        last = `${position.latitude.toFixed(5)}, ${position.longitude.toFixed(5)}`;
        await sleep(1_500);
      }
      await ownerPage.getByRole('region', { name: 'Map of the walk' }).scrollIntoViewIfNeeded();
      const marker = ownerPage.locator('.walk-marker--worker');
      await marker.waitFor();
      const at = await eventually(
        'the owner seeing the last position',
        () => marker.getAttribute('data-position'),
        (p) => p === last.replace(', ', ','),
        15_000,
      );
      assert(at === last.replace(', ', ','), `the marker is at ${at}, not ${last}`);
      // In words, the position is a distance from the booking's place, never coordinates.
      const seen = await shownPosition(ownerPage);
      assert(seen && /^\d[\d,.]* k?m from the booking's address$/.test(seen), `the live page describes the position as "${seen}"`);
      const distance = (await ownerPage.getByTestId('distance').textContent())?.trim() ?? '';
      assert(/^[1-9]\d* m$/.test(distance), `the live distance so far reads "${distance}"`);
      await screenshot(ownerPage, '60-live-walk-owner');

      await job.getByRole('button', { name: 'Pee', exact: true }).click();
      await job.getByText('Pee logged.').waitFor();
      await job.getByRole('button', { name: 'Water', exact: true }).click();
      await job.getByText('Water logged.').waitFor();
      await ownerPage.locator('.walk-event[data-kind="pee"]').waitFor();
      await ownerPage.locator('.walk-event[data-kind="water"]').waitFor();
      await screenshot(worker, '61-worker-today-walking');

      const note = 'Biscuit found the pond and drank a lot.';
      await job.getByRole('button', { name: `Complete ${booking.number}` }).click();
      await job.getByLabel('Notes for the owner').fill(note);
      await job.getByRole('button', { name: 'Finish walk' }).click();
      await job.getByText('Walk completed. The owner gets the report.').waitFor();
      await ownerPage.getByText('Walk finished').waitFor();

      // The report is made by a job right after completion: reload until it is there.
      const report = await eventually(
        'the walk report',
        async () => (await owner.get<WalkReport>(`/v1/bookings/${booking.id}/report`)).data,
        (r) => !!r && typeof r.distanceMeters === 'number',
      );
      assert(report.distanceMeters > 0, `the report's distance is ${report.distanceMeters} m`);
      assert(report.counts.pee === 1 && report.counts.water === 1, `the report counts ${JSON.stringify(report.counts)}`);
      assert(report.notes === note, `the report's notes are ${JSON.stringify(report.notes)}`);
      await ownerPage.getByRole('link', { name: 'See the walk report' }).click();
      await ownerPage.waitForURL(`**/bookings/${booking.id}/report`);
      await ownerPage.getByTestId('distance').waitFor();
      const km = Number.parseFloat((await ownerPage.getByTestId('distance').textContent()) ?? '0');
      assert(km > 0, `the report page shows ${km} km`);
      await ownerPage.locator('.walk-event[data-kind="pee"]').waitFor();
      await ownerPage.locator('.walk-event[data-kind="water"]').waitFor();
      const shownNotes = (await ownerPage.getByTestId('notes').textContent())?.trim();
      assert(shownNotes === note, `the report's notes read "${shownNotes}"`);
      await screenshot(ownerPage, '62-walk-report');
    },
  },
];
