import fs from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { apiAs, apiSignIn, eventually, registerVerified, signInThroughForm, type ApiClient } from './support/api.js';
import { PHONE, assert, assertNoSidewaysScroll, type E2ETest } from './support/harness.js';
import { waitForMailMatch } from './support/outbox.js';
import { DEMO } from './support/server.js';

const stamp = Date.now();
const password = 'long walks on the beach';
const HOUR = 3_600_000;

type Service = {
  id: string;
  name: string;
  type: string;
  active: boolean;
  cancellationPolicy: 'flexible' | 'moderate' | 'strict';
  price: { amountMinor: number };
};
type Slot = { startsAt: string; endsAt: string };
type Payment = { id: string; kind: 'booking' | 'tip'; status: string; amountMinor: number; platformFeeMinor: number; businessPayoutMinor: number };
type Availability = { kind: 'slot'; workers: { workerId: string }[]; slots: Slot[] };
type Booking = {
  id: string;
  number: string;
  status: string;
  business: { name: string };
  startsAt: string;
  price: { totalMinor: number };
  payment: { id: string; status: string; amountMinor: number; refundedMinor: number } | null;
};

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Money as the web app shows it (shared formatMoney, en-GB); the demo city (London) prices in pounds. */
const pounds = (minor: number) => `£${(minor / 100).toFixed(2)}`;

/**
 * The seeded demo business and its walking service. The seed (apps/api/src/seed/seed-city.ts) makes the
 * demo business owner own business 0 of the city, with the demo worker; with `--seed 42` that business is
 * verified, open every day, and offers a walk that every active worker performs.
 */
async function demoWalk(business: ApiClient): Promise<{ businessId: string; location: { lat: number; lng: number }; service: Service }> {
  const { data: mine } =
    await business.get<{ id: string; name: string; verificationStatus: string; location: { lat: number; lng: number } }[]>('/v1/businesses');
  const biz = mine[0];
  assert(biz, `the demo business owner ${DEMO.business} has no business: the seed must create the demo accounts`);
  assert(biz.verificationStatus === 'verified', `the demo business "${biz.name}" is ${biz.verificationStatus}; the seed must verify business 0`);
  const { data: services } = await business.get<Service[]>(`/v1/businesses/${biz.id}/services`);
  const walk = services.find((s) => s.type === 'walking' && s.active);
  assert(walk, `the demo business "${biz.name}" has no active walking service: ${JSON.stringify(services.map((s) => s.type))}`);
  return { businessId: biz.id, location: biz.location, service: walk };
}

/** Every slot the service offers in the next four weeks (all workers), earliest first. */
async function freeSlots(api: ApiClient, serviceId: string): Promise<Slot[]> {
  const from = isoDate(Date.now());
  const to = isoDate(Date.now() + 27 * 24 * HOUR);
  const { status, data } = await api.get<Availability>(`/v1/services/${serviceId}/availability?from=${from}&to=${to}&pets=1`);
  assert(status === 200 && data.kind === 'slot', `availability answered ${status}: ${JSON.stringify(data)}`);
  // Each start once, in time order, whichever workers are free at it.
  return data.slots.map(({ startsAt, endsAt }) => ({ startsAt, endsAt }));
}

/**
 * A slot for which cancelling now refunds half under `policy` (docs/api/bookings.md "Refund policy"),
 * with an hour's margin on each side so the test's own minutes do not move it across a boundary.
 */
function halfRefundSlot(slots: Slot[], policy: Service['cancellationPolicy'], after: string): Slot {
  const now = Date.now();
  const window: Record<Service['cancellationPolicy'], [number, number]> = {
    strict: [7 * 24 + 1, Number.POSITIVE_INFINITY],
    moderate: [13, 23],
    flexible: [2, 23],
  };
  const [min, max] = window[policy];
  const slot = slots.find((s) => {
    const hours = (Date.parse(s.startsAt) - now) / HOUR;
    return s.startsAt > after && hours >= min && hours <= max;
  });
  assert(slot, `no free slot ${min}–${max} hours ahead for a 50 % refund under the ${policy} policy: ${slots.length} slots in four weeks`);
  return slot;
}

/** Fills and sends the booking form for `slot`, placing the walk at the centre of the map (the business). */
async function bookThroughForm(page: Page, businessId: string, service: Service, slot: Slot, timeZoneDate: string) {
  await page.goto(`/businesses/${businessId}`);
  await page.getByRole('link', { name: `Book ${service.name}` }).click();
  await page.getByRole('heading', { name: `Book: ${service.name}` }).waitFor();
  await page.getByLabel('Date', { exact: true }).selectOption(timeZoneDate);
  await page.locator(`input[name="slot"][value="${slot.startsAt}"]`).check();
  const map = page.getByRole('region', { name: 'Map: click where the service takes place' });
  // A map starts when it comes near the screen.
  await map.scrollIntoViewIfNeeded();
  await page.locator('[data-map-ready="true"]').first().waitFor({ timeout: 20_000 });
  const box = (await map.boundingBox())!;
  await map.click({ position: { x: box.width / 2, y: box.height / 2 } });
  await page.getByText(/^Pin placed/).waitFor();
  await page.getByLabel('Street and number').fill('12 Elm Road');
  await page.getByLabel('Special instructions').fill('Bello pulls on the lead near cats.');
}

/** The local date (Europe/London, the demo city's zone) of an instant, as the date select names it. */
const londonDate = (instant: string) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(instant));

export const tests: E2ETest[] = [
  {
    name: 'a pet owner books a walk from real availability, pays in test mode, moves it to another time, the business confirms it, and a second booking is cancelled with a partial refund',
    async run({ newPage, screenshot, dataDir }) {
      const email = `booker.${stamp}@example.com`;
      const page = await newPage();
      await registerVerified(page, dataDir, { email, password, firstName: 'Olga', lastName: 'Owner', role: 'pet_owner' });
      await signInThroughForm(page, email, password);
      const owner = await apiAs(page);
      const pet = await owner.post<{ id: string }>('/v1/pets', { name: 'Bello', species: 'dog' });
      assert(pet.status === 201, `creating the pet answered ${pet.status}: ${JSON.stringify(pet.error)}`);

      // The business owner's API calls run in a context of their own: its cookie must not sign in the browser below.
      const business = await apiSignIn(await newPage(), DEMO.business, DEMO.password);
      const { businessId, location, service } = await demoWalk(business);
      const slots = await freeSlots(owner, service.id);
      assert(slots.length >= 2, `the demo walk offers ${slots.length} slots in four weeks; the seeded worker availability must allow bookings`);

      // 1. Book the first free time through the form and pay in test mode.
      const first = slots[0]!;
      await bookThroughForm(page, businessId, service, first, londonDate(first.startsAt));
      await page.getByRole('table', { name: 'Price' }).getByText('Total').waitFor();
      await page.getByText(`Cancellation policy:`).waitFor();
      await screenshot(page, '30-booking-form');
      await page.getByRole('button', { name: 'Request booking' }).click();
      await page.waitForURL('**/bookings/*/pay');
      await page.getByText('TEST MODE', { exact: true }).waitFor();
      await screenshot(page, '31-booking-pay-test-mode');
      const bookingId = new URL(page.url()).pathname.split('/')[2]!;
      await page.getByRole('button', { name: 'Confirm test payment' }).click();
      await page.waitForURL(`**/bookings/${bookingId}/confirmed`);
      await page.getByRole('heading', { name: 'Booking requested' }).waitFor();
      await screenshot(page, '32-booking-requested');
      const { data: requested } = await owner.get<Booking>(`/v1/bookings/${bookingId}`);
      assert(requested.status === 'pending', `the new booking is ${requested.status}`);
      assert(requested.startsAt === first.startsAt, `the booking starts at ${requested.startsAt}, not the chosen ${first.startsAt}`);
      assert(requested.payment?.status === 'authorized', `the test payment left the payment ${JSON.stringify(requested.payment)}`);
      assert(requested.payment.amountMinor === requested.price.totalMinor, `paid ${requested.payment.amountMinor} of ${requested.price.totalMinor}`);

      // While it waits, the owner moves it to another free time of the form's picker; the price and the reservation stay.
      await page.goto(`/bookings/${bookingId}`);
      await page.getByRole('link', { name: 'Change booking' }).click();
      await page.getByRole('heading', { name: `Change booking ${requested.number}` }).waitFor();
      const newSlot = page.locator('input[name="slot"]:not(:checked)').first();
      const movedTo = await newSlot.getAttribute('value');
      assert(movedTo && movedTo !== first.startsAt, `the change form offers ${movedTo} as a new time`);
      await newSlot.check();
      await page.getByLabel('Special instructions').fill('Bello pulls on the lead near cats and squirrels.');
      await page.getByText(`The price stays ${pounds(requested.price.totalMinor)}`).waitFor();
      await screenshot(page, '42-change-booking');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Your changes are saved.').waitFor();
      const { data: moved } = await owner.get<Booking & { specialInstructions: string | null }>(`/v1/bookings/${bookingId}`);
      assert(moved.startsAt === movedTo, `after the change the booking starts at ${moved.startsAt}, not ${movedTo}`);
      assert(moved.specialInstructions === 'Bello pulls on the lead near cats and squirrels.', `instructions: ${moved.specialInstructions}`);
      assert(moved.payment?.status === 'authorized', `an unchanged price keeps the reservation, but the payment is ${JSON.stringify(moved.payment)}`);

      // 2. The business confirms it in its bookings list; the payment is captured.
      const businessPage = await newPage();
      await signInThroughForm(businessPage, DEMO.business, DEMO.password);
      await businessPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Bookings' }).click();
      await businessPage.getByRole('heading', { name: 'Bookings', level: 1 }).waitFor();
      const card = businessPage.locator('.booking-card', { hasText: requested.number });
      await card.getByText('Waiting for confirmation').waitFor();
      await screenshot(businessPage, '33-business-bookings');
      // The week view keeps each booking, with its long status, inside its day's column, at 1280 px and on a phone.
      await businessPage.getByRole('button', { name: 'Week', exact: true }).click();
      await businessPage.getByLabel('Go to date').fill(londonDate(movedTo));
      const weekItem = businessPage.locator('.calendar__item', { hasText: service.name }).first();
      await weekItem.waitFor();
      const inside = await weekItem.evaluate((item) => {
        const day = item.closest('.calendar__day')!.getBoundingClientRect();
        return Array.from(item.querySelectorAll('*')).every((el) => el.getBoundingClientRect().right <= day.right + 0.5);
      });
      assert(inside, 'a booking in the week view spills out of its day');
      await screenshot(businessPage, '33b-business-week');
      await businessPage.setViewportSize(PHONE);
      await assertNoSidewaysScroll(businessPage, 'the week view on a phone');
      await businessPage.setViewportSize({ width: 1280, height: 860 });
      await businessPage.getByRole('button', { name: 'List', exact: true }).click();
      await card.getByRole('button', { name: `Confirm booking ${requested.number}` }).click();
      await card.getByText('Confirmed', { exact: true }).waitFor();

      const captured = await eventually(
        'capturing the confirmed booking',
        async () => (await owner.get<Booking>(`/v1/bookings/${bookingId}`)).data,
        (b) => b.status === 'confirmed' && b.payment?.status === 'succeeded',
      );
      assert(captured.payment?.refundedMinor === 0, `nothing should be refunded yet: ${JSON.stringify(captured.payment)}`);
      await page.goto('/bookings');
      await page.locator('.booking-card', { hasText: requested.number }).getByText('Confirmed', { exact: true }).waitFor();

      // 3. A second booking, paid and confirmed, far enough ahead that cancelling now refunds half.
      const later = halfRefundSlot(await freeSlots(owner, service.id), service.cancellationPolicy, first.startsAt);
      const created = await owner.post<Booking>(
        '/v1/bookings',
        { serviceId: service.id, petIds: [pet.data.id], startsAt: later.startsAt, location: { kind: 'owner_home', ...location } },
        { 'idempotency-key': `e2e-second-${stamp}` },
      );
      assert(created.status === 201, `the second booking answered ${created.status}: ${JSON.stringify(created.error)}`);
      const second = created.data;
      const intent = await owner.post<{ payment: { id: string } }>('/v1/payments/intent', { bookingId: second.id });
      assert(intent.status === 201, `the payment intent answered ${intent.status}: ${JSON.stringify(intent.error)}`);
      const paid = await owner.post('/v1/payments/confirm', { paymentId: intent.data.payment.id });
      assert(paid.status === 200, `confirming the test payment answered ${paid.status}: ${JSON.stringify(paid.error)}`);
      const confirmed = await business.post(`/v1/bookings/${second.id}/confirm`);
      assert(confirmed.status === 200, `the business's confirm answered ${confirmed.status}: ${JSON.stringify(confirmed.error)}`);
      await eventually(
        'capturing the second booking',
        async () => (await owner.get<Booking>(`/v1/bookings/${second.id}`)).data.payment?.status,
        (status) => status === 'succeeded',
      );

      // 4. The owner cancels it from the booking page and sees the refund first.
      await page.goto('/bookings');
      await page.locator('.booking-card', { hasText: second.number }).getByRole('link', { name: service.name }).click();
      await page.getByRole('heading', { name: `${service.name} · ${second.number}` }).waitFor();
      await page.getByRole('button', { name: 'Cancel booking' }).click();
      const half = Math.floor(second.price.totalMinor / 2);
      await page.getByText(`If you cancel now you get back ${pounds(half)} (50% of ${pounds(second.price.totalMinor)}).`).waitFor();
      await screenshot(page, '34-cancel-refund-preview');
      await page.getByLabel('Reason for cancelling').fill('We are away that week.');
      await page.getByRole('button', { name: 'Confirm cancellation' }).click();
      await page.getByText(`Booking cancelled. ${pounds(half)} will be refunded to your card.`).waitFor();
      const refunded = await eventually(
        'the partial refund',
        async () => (await owner.get<Booking>(`/v1/bookings/${second.id}`)).data,
        (b) => b.status === 'cancelled' && b.payment?.refundedMinor === half,
      );
      assert(refunded.payment?.status === 'partially_refunded', `after a 50 % refund the payment is ${refunded.payment?.status}`);
      await page.reload();
      await page.getByText(`refunded ${pounds(half)}`).waitFor();
      await screenshot(page, '35-cancelled-partial-refund');

      // The first booking is untouched.
      const { data: still } = await owner.get<Booking>(`/v1/bookings/${bookingId}`);
      assert(still.status === 'confirmed', `the first booking became ${still.status}`);
    },
  },
  {
    name: 'a worker completes a booked walk with notes, the owner tips and opens the invoice (also from the receipt mail, signed out), and the business sees its earnings and sets up payouts',
    async run({ newPage, screenshot, dataDir }) {
      const email = `regular.${stamp}@example.com`;
      const ownerPage = await newPage();
      await registerVerified(ownerPage, dataDir, { email, password, firstName: 'Rita', lastName: 'Regular', role: 'pet_owner' });
      const owner = await apiSignIn(ownerPage, email, password);
      const pet = await owner.post<{ id: string }>('/v1/pets', { name: 'Fido', species: 'dog' });
      assert(pet.status === 201, `creating the pet answered ${pet.status}: ${JSON.stringify(pet.error)}`);
      const business = await apiSignIn(await newPage(), DEMO.business, DEMO.password);
      const { businessId, location, service } = await demoWalk(business);

      // A paid, confirmed walk at the first free time (set up through the API; the form has its own test above).
      const slot = (await freeSlots(owner, service.id))[0];
      assert(slot, 'the demo walk has no free slot in four weeks');
      const created = await owner.post<Booking>('/v1/bookings', {
        serviceId: service.id,
        petIds: [pet.data.id],
        startsAt: slot.startsAt,
        location: { kind: 'owner_home', ...location },
      });
      assert(created.status === 201, `booking answered ${created.status}: ${JSON.stringify(created.error)}`);
      const job = created.data;
      const intent = await owner.post<{ payment: { id: string } }>('/v1/payments/intent', { bookingId: job.id });
      assert(intent.status === 201, `the payment intent answered ${intent.status}: ${JSON.stringify(intent.error)}`);
      assert((await owner.post('/v1/payments/confirm', { paymentId: intent.data.payment.id })).status === 200, 'the test payment was refused');
      const confirmed = await business.post(`/v1/bookings/${job.id}/confirm`);
      assert(confirmed.status === 200, `confirm answered ${confirmed.status}: ${JSON.stringify(confirmed.error)}`);
      await eventually(
        'capturing the payment',
        async () => (await owner.get<Booking>(`/v1/bookings/${job.id}`)).data.payment?.status,
        (status) => status === 'succeeded',
      );

      // The worker starts and completes it from the schedule.
      const worker = await newPage({ width: 375, height: 800 });
      await signInThroughForm(worker, DEMO.worker, DEMO.password);
      await worker.goto('/schedule');
      await worker.getByRole('heading', { name: 'My schedule' }).waitFor();
      const card = worker.locator('.booking-card', { hasText: job.number });
      await card.getByText('Confirmed', { exact: true }).waitFor();
      await card.getByRole('button', { name: `Start booking ${job.number}` }).click();
      await card.getByText('In progress', { exact: true }).waitFor();
      await card.getByRole('button', { name: `Complete booking ${job.number}` }).click();
      await card.getByLabel('Notes for the owner').fill('An hour in the park; Fido drank well and met two friends.');
      await screenshot(worker, '36-worker-complete-phone');
      await card.getByRole('button', { name: 'Mark as completed' }).click();
      await card.waitFor({ state: 'detached' });
      const { data: done } = await owner.get<Booking & { completionNotes: string | null }>(`/v1/bookings/${job.id}`);
      assert(done.status === 'completed', `the job is ${done.status} after completing`);
      assert(done.completionNotes === 'An hour in the park; Fido drank well and met two friends.', `notes: ${done.completionNotes}`);

      // The owner tips from the booking page (test mode): all of it goes to the business, at once.
      await ownerPage.goto(`/bookings/${job.id}`);
      await ownerPage.getByRole('heading', { name: `${service.name} · ${job.number}` }).waitFor();
      const tipSection = ownerPage.locator('section.tip');
      await tipSection.getByText(`100 % goes to ${job.business.name}`).waitFor();
      await tipSection.getByRole('button', { name: `Tip ${job.business.name}` }).click();
      await tipSection.getByLabel(pounds(500)).check();
      await tipSection.getByRole('button', { name: 'Continue' }).click();
      await tipSection.getByText('TEST MODE', { exact: true }).waitFor();
      await tipSection.getByRole('button', { name: `Confirm test tip of ${pounds(500)}` }).click();
      await tipSection.getByText(`Thank you! ${pounds(500)} goes to ${job.business.name}.`).waitFor();
      await tipSection.getByText(`You tipped ${pounds(500)}.`).waitFor();
      await screenshot(ownerPage, '40-tip-thanks');
      const { data: paymentsOfJob } = await owner.get<Payment[]>(`/v1/payments?bookingId=${job.id}`);
      const tip = paymentsOfJob.find((p) => p.kind === 'tip');
      assert(tip?.status === 'succeeded', `the tip is ${JSON.stringify(tip)}`);
      assert(tip.amountMinor === 500 && tip.platformFeeMinor === 0 && tip.businessPayoutMinor === 500, `the tip's split: ${JSON.stringify(tip)}`);

      // Its invoice, from the booking page: the API's document in the page, and as a PDF.
      await ownerPage.getByRole('link', { name: `Invoice of the tip ${pounds(500)}` }).click();
      await ownerPage.waitForURL(`**/payments/${tip.id}/invoice`);
      const invoice = ownerPage.frameLocator(`iframe[title="Invoice for booking ${job.number}"]`);
      await invoice.getByText(`Booking ${job.number}`).waitFor();
      await invoice.getByText(`Tip for ${job.business.name}`).waitFor();
      await screenshot(ownerPage, '41-tip-invoice');
      const [pdf] = await Promise.all([ownerPage.waitForEvent('download'), ownerPage.getByRole('button', { name: 'Download PDF' }).click()]);
      assert(/^INV-WD-[A-Z0-9-]+-TIP-[A-Z0-9]+\.pdf$/.test(pdf.suggestedFilename()), `the PDF is named ${pdf.suggestedFilename()}`);
      const pdfBytes = await fs.readFile((await pdf.path())!);
      assert(pdfBytes.subarray(0, 5).toString() === '%PDF-', `the download is not a PDF: ${pdfBytes.subarray(0, 16).toString()}`);

      // The receipt mail's link works for a reader who is signed out: sign in, then straight to the invoice.
      const invoiceLink = await waitForMailMatch(dataDir, email, new RegExp(`https?://[^\\s"'<>]+/payments/${tip.id}/invoice`), 'the tip invoice link');
      const reader = await newPage();
      await reader.goto(invoiceLink);
      await reader.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('redirect') === `/payments/${tip.id}/invoice`);
      await reader.getByLabel('E-mail', { exact: true }).fill(email);
      await reader.getByLabel('Password', { exact: true }).fill(password);
      await reader.getByRole('button', { name: 'Sign in', exact: true }).click();
      await reader.waitForURL(`**/payments/${tip.id}/invoice`);
      await reader.frameLocator('iframe').getByText(`Booking ${job.number}`).waitFor();

      // The business reads its earnings and sets up payouts with the simulated provider.
      const owned = await newPage();
      await signInThroughForm(owned, DEMO.business, DEMO.password);
      await owned.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Earnings' }).click();
      await owned.getByRole('heading', { name: 'Earnings', level: 1 }).waitFor();
      const { data: earnings } = await business.get<{ netMinor: number; grossMinor: number }>(`/v1/businesses/${businessId}/earnings`);
      assert(earnings.grossMinor >= job.price.totalMinor, `earnings do not count the captured walk: ${JSON.stringify(earnings)}`);
      await owned.locator('.figure--total').getByText(pounds(earnings.netMinor)).waitFor();
      await owned.getByRole('button', { name: 'Set up payouts' }).click();
      await owned.waitForURL('**/business/payouts?**');
      await owned.getByText('TEST MODE', { exact: true }).waitFor();
      await screenshot(owned, '37-payouts-test-onboarding');
      await owned.getByRole('button', { name: 'Finish test onboarding' }).click();
      await owned.getByText('Payouts are set up').waitFor();
      const { data: account } = await business.get<{ chargesEnabled: boolean; payoutsEnabled: boolean } | null>(`/v1/businesses/${businessId}/payouts`);
      assert(account?.chargesEnabled && account.payoutsEnabled, `the payouts account is ${JSON.stringify(account)}`);
      await owned.getByRole('link', { name: 'Back to earnings' }).click();
      await owned.getByText('Payouts are set up').waitFor();
      await screenshot(owned, '38-earnings');
      // On a phone each payment is a stacked card, not a table wider than the screen.
      await owned.setViewportSize(PHONE);
      await owned.locator('.table--stack').getByRole('link', { name: job.number }).first().waitFor();
      await assertNoSidewaysScroll(owned, 'the earnings page on a phone');
      await screenshot(owned, '38b-earnings-phone');
    },
  },
  {
    name: 'a pet owner books a weekly series of walks through the form and cancels the rest of the series',
    async run({ newPage, screenshot, dataDir }) {
      const email = `weekly.${stamp}@example.com`;
      const page = await newPage();
      await registerVerified(page, dataDir, { email, password, firstName: 'Wendy', lastName: 'Weekly', role: 'pet_owner' });
      await signInThroughForm(page, email, password);
      const owner = await apiAs(page);
      assert((await owner.post('/v1/pets', { name: 'Rex', species: 'dog' })).status === 201, 'creating the pet failed');
      const { businessId, service } = await demoWalk(await apiSignIn(await newPage(), DEMO.business, DEMO.password));
      const slot = (await freeSlots(owner, service.id))[0];
      assert(slot, 'the demo walk has no free slot in four weeks');

      await bookThroughForm(page, businessId, service, slot, londonDate(slot.startsAt));
      await page.getByLabel('Repeat every week').check();
      await page.getByLabel('Number of times', { exact: true }).fill('3');
      await page.getByText(/^Every week on \w{3}, 3 times: 3 visits/).waitFor();
      // On a phone the start times sit several to a row, and nothing is wider than the screen.
      await page.setViewportSize(PHONE);
      const slotTops = await page.locator('.slot').evaluateAll((slots) => slots.slice(0, 3).map((slot) => Math.round(slot.getBoundingClientRect().top)));
      assert(slotTops.length < 2 || slotTops[0] === slotTops[1], `the start times are one per row on a phone: tops ${slotTops.join(', ')}`);
      await assertNoSidewaysScroll(page, 'the booking form on a phone');
      await screenshot(page, '39b-booking-form-phone');
      await page.setViewportSize({ width: 1280, height: 860 });
      await screenshot(page, '39-booking-weekly');
      await page.getByRole('button', { name: 'Request 3 bookings' }).click();
      await page.waitForURL('**/bookings/series/*?created=1');
      await page.getByText('Series requested').waitFor();
      const seriesId = new URL(page.url()).pathname.split('/')[3]!;
      const { data: detail } = await owner.get<{ series: { rrule: string }; bookings: Booking[] }>(`/v1/booking-series/${seriesId}`);
      assert(/^FREQ=WEEKLY;INTERVAL=1;BYDAY=\w\w;COUNT=3$/.test(detail.series.rrule), `the series rule is ${detail.series.rrule}`);
      assert(detail.bookings.length >= 1 && detail.bookings[0]!.startsAt === slot.startsAt, `the series starts ${detail.bookings[0]?.startsAt}`);
      const visits = page.getByRole('list', { name: 'Visits of the series' }).locator('li');
      assert((await visits.count()) === detail.bookings.length, `the page lists ${await visits.count()} visits, the API ${detail.bookings.length}`);

      await page.getByRole('button', { name: 'Cancel remaining visits' }).click();
      await page.getByLabel('Reason for cancelling').fill('Changed our plans.');
      await page.getByRole('button', { name: /^Cancel \d+ visits?$/ }).click();
      await page.getByText(`${detail.bookings.length} ${detail.bookings.length === 1 ? 'visit' : 'visits'} cancelled.`).waitFor();
      const { data: after } = await owner.get<{ bookings: Booking[] }>(`/v1/booking-series/${seriesId}`);
      assert(
        after.bookings.every((b) => b.status === 'cancelled'),
        `after cancelling the series: ${after.bookings.map((b) => b.status).join(', ')}`,
      );
    },
  },
];
