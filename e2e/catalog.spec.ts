import type { Page } from 'playwright-core';
import { apiAs, eventually, makePng, registerVerified, signInThroughForm } from './support/api.js';
import { PHONE, assert, assertNoSidewaysScroll, type E2ETest } from './support/harness.js';
import { waitForMailLink } from './support/outbox.js';
import { DEMO } from './support/server.js';

const stamp = Date.now();
const password = 'long walks on the beach';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Waits until the MapLibre map in the region called `name` has loaded its style, and returns its canvas. */
async function mapCanvas(page: Page, name: string | RegExp) {
  const region = page.getByRole('region', { name });
  // A map starts when it comes near the screen.
  await region.scrollIntoViewIfNeeded();
  await page
    .locator('[data-map-ready="true"]')
    .filter({ has: page.locator('canvas') })
    .first()
    .waitFor({ timeout: 20_000 });
  return region.locator('canvas');
}

export const tests: E2ETest[] = [
  {
    name: 'a business owner sets up the business, a worker joins by invitation, and an admin verifies it',
    async run({ newPage, screenshot, dataDir }) {
      const ownerEmail = `owner.${stamp}@example.com`;
      const workerEmail = `walker.${stamp}@example.com`;
      const businessName = `Happy Paws ${stamp}`;
      const page = await newPage();
      await registerVerified(page, dataDir, { email: ownerEmail, password, firstName: 'Bea', lastName: 'Boss', role: 'business' });
      await signInThroughForm(page, ownerEmail, password);

      // Create the business, placing it by clicking the map.
      await page.getByRole('link', { name: 'My business' }).click();
      await page.getByRole('heading', { name: 'Create your business' }).waitFor();
      await page.getByLabel('Business name').fill(businessName);
      await page.getByLabel('Description').fill('Small-group walks in Mitte and Prenzlauer Berg.');
      await page.getByLabel('City').fill('Berlin');
      const picker = await mapCanvas(page, 'Map: click to place your business');
      await picker.click({ position: { x: 300, y: 140 } });
      await page.getByText(/^Latitude 52\.\d+, longitude 13\.\d+$/).waitFor();
      await screenshot(page, '10-business-create');
      await page.getByRole('button', { name: 'Create business' }).click();

      // Draw the service area: four clicks, then save.
      await page.getByRole('heading', { name: 'Service area' }).waitFor();
      await page.getByText('an admin will verify', { exact: false }).waitFor();
      const area = await mapCanvas(page, /Service area map/);
      const box = (await area.boundingBox())!;
      for (const [x, y] of [
        [0.25, 0.25],
        [0.75, 0.25],
        [0.75, 0.75],
        [0.25, 0.75],
      ] as const)
        await area.click({ position: { x: box.width * x, y: box.height * y } });
      await page.getByText('4 corners').waitFor();
      await page.getByRole('button', { name: 'Save service area' }).click();
      await page.getByText('Service area saved.').waitFor();
      await screenshot(page, '11-business-area');

      const owner = await apiAs(page);
      const { data: mine } = await owner.get<{ id: string; serviceArea: { type: string; coordinates: number[][][] } | null }[]>('/v1/businesses');
      const business = mine[0];
      assert(business, 'GET /v1/businesses returned no business for the owner');
      assert(business.serviceArea?.type === 'Polygon', `serviceArea is ${JSON.stringify(business.serviceArea)}`);
      const ring = business.serviceArea.coordinates[0]!;
      assert(ring.length === 5 && JSON.stringify(ring[0]) === JSON.stringify(ring[4]), `the ring is not a closed square: ${JSON.stringify(ring)}`);

      // Add a service.
      await page.getByRole('tab', { name: 'Services' }).click();
      await page.getByRole('button', { name: 'Add a service' }).click();
      await page.getByLabel('Service name').fill('Group walk');
      await page.getByLabel('Price (EUR)').fill('18.50');
      await page.getByRole('button', { name: 'Save service' }).click();
      await page.getByRole('heading', { name: 'Group walk' }).waitFor();
      await page.getByText('€18.50 per hour').waitFor();
      const { data: services } = await owner.get<{ name: string; price: { amountMinor: number } }[]>(`/v1/businesses/${business.id}/services`);
      assert(
        services.some((s) => s.name === 'Group walk' && s.price.amountMinor === 1850),
        `services: ${JSON.stringify(services)}`,
      );

      // Invite a worker.
      await page.getByRole('tab', { name: 'Team' }).click();
      await page.getByLabel('Invite a worker by e-mail').fill(workerEmail);
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText(`We sent an invitation to ${workerEmail}.`).waitFor();
      await page.getByRole('list', { name: 'Pending invitations' }).getByText(workerEmail).waitFor();
      await screenshot(page, '12-business-team');

      // The worker accepts in a fresh browser, creating the account.
      const link = await waitForMailLink(dataDir, workerEmail, '/invitations/worker');
      const worker = await newPage({ width: 375, height: 800 });
      await worker.goto(link);
      await worker.getByText(businessName).first().waitFor();
      await worker.getByLabel('First name').fill('Wim');
      await worker.getByLabel('Last name').fill('Walker');
      await worker.getByLabel('Password', { exact: true }).fill(password);
      await screenshot(worker, '13-worker-invitation-phone');
      await worker.getByRole('button', { name: 'Create account and join' }).click();
      await worker.waitForURL('**/worker');
      await worker.getByRole('heading', { name: 'Your worker profile' }).waitFor();
      await screenshot(worker, '14-worker-page-phone');
      const me = await (await apiAs(worker)).get<{ email: string; role: string }>('/v1/users/me');
      assert(me.data.role === 'worker' && me.data.email === workerEmail, `the invited person is ${JSON.stringify(me.data)}`);
      const { data: team } = await owner.get<{ firstName: string; userId: string }[]>(`/v1/businesses/${business.id}/workers`);
      assert(
        team.some((w) => w.firstName === 'Wim'),
        `the new worker is not in the team: ${JSON.stringify(team)}`,
      );

      // The admin verifies the business; it becomes public.
      // The admin made by `npm run admin:create` chooses a password through the mailed link first.
      const admin = await newPage();
      const adminLink = await waitForMailLink(dataDir, DEMO.admin, '/reset-password');
      await admin.goto(adminLink);
      await admin.getByLabel('New password', { exact: true }).fill('the admin passphrase');
      await admin.getByLabel('Repeat the new password').fill('the admin passphrase');
      await admin.getByRole('button', { name: 'Save new password' }).click();
      await admin.getByText('Your password is changed').waitFor();
      await signInThroughForm(admin, DEMO.admin, 'the admin passphrase');
      // The admin's nav fits on one line at 1280 px, and folds into the menu on a phone.
      const navTops = await admin
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link')
        .evaluateAll((links) => links.map((link) => Math.round(link.getBoundingClientRect().top)));
      assert(navTops.length >= 5 && new Set(navTops).size === 1, `the admin nav wraps at 1280 px: link tops ${navTops.join(', ')}`);
      await admin.setViewportSize(PHONE);
      await admin.getByRole('button', { name: 'Menu', exact: true }).click();
      await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).waitFor();
      await assertNoSidewaysScroll(admin, 'the admin pages on a phone');
      await screenshot(admin, '14-admin-menu-phone');
      await admin.getByRole('button', { name: 'Menu', exact: true }).click();
      await admin.setViewportSize({ width: 1280, height: 860 });
      await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Businesses' }).click();
      await admin.getByRole('heading', { name: businessName }).waitFor();
      await screenshot(admin, '15-admin-verify');
      await admin.getByRole('button', { name: `Verify ${businessName}` }).click();
      await admin.getByText(`${businessName} is now verified.`).waitFor();
      const publicView = await admin.request.get(`/v1/businesses/${business.id}`);
      assert(publicView.ok(), `the verified business is not public: ${publicView.status()}`);
      await page.reload();
      await page.getByText('Verified', { exact: true }).waitFor();
    },
  },
  {
    name: 'a pet owner adds a pet with a photo, searches the map and opens a business',
    async run({ newPage, screenshot, dataDir }) {
      const email = `olivia.${stamp}@example.com`;
      const page = await newPage();
      await registerVerified(page, dataDir, { email, password, firstName: 'Olivia', lastName: 'Owner', role: 'pet_owner' });
      await signInThroughForm(page, email, password);

      await page.getByRole('link', { name: 'My pets' }).click();
      // The dashboard has an "Add a pet" card too: wait for the pets page before clicking.
      await page.getByRole('heading', { name: 'My pets', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Add a pet' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Bello');
      await page.getByLabel('Breed').fill('Beagle');
      await page.getByLabel('Weight (kg)').fill('12.5');
      await page.getByLabel('Allergies').fill('chicken, pollen');
      await page.getByRole('button', { name: 'Add pet' }).click();
      await page.getByRole('heading', { name: 'Bello', level: 1 }).waitFor();
      await page.getByLabel('Add a photo').setInputFiles({ name: 'bello.png', mimeType: 'image/png', buffer: await makePng() });
      await page.getByRole('img', { name: 'Photo 1 of Bello' }).waitFor();
      const loaded = await page.getByRole('img', { name: 'Photo 1 of Bello' }).evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth));
      assert(loaded > 0, 'the pet photo did not load in the page');
      await screenshot(page, '20-pet-with-photo');

      const owner = await apiAs(page);
      const { data: pets } = await owner.get<{ name: string; weightKg: number; allergies: string[]; photos: { url: string }[] }[]>('/v1/pets');
      const bello = pets.find((p) => p.name === 'Bello');
      assert(bello && bello.photos.length === 1, `GET /v1/pets does not show Bello's photo: ${JSON.stringify(pets)}`);
      assert(bello.weightKg === 12.5 && bello.allergies.join() === 'chicken,pollen', `Bello's details: ${JSON.stringify(bello)}`);

      // Search: with no place chosen it starts at the platform's default area (here: where the seeded
      // businesses are, London), and the list and the map show them.
      await page.getByRole('link', { name: 'Search' }).first().click();
      await page.getByRole('heading', { name: 'Find pet care near you' }).waitFor();
      const results = page.locator('.result');
      await results.first().waitFor();
      // The price filter is labelled in the currency of the prices found (the London demo prices in pounds).
      await page.getByLabel('Max price (£)', { exact: true }).waitFor();
      const shown = await results.count();
      const { data: config } = (await (await page.request.get('/v1/config')).json()) as { data: { defaultArea: { label: string; lat: number; lng: number } } };
      assert(config.defaultArea?.label === 'London', `the default area is ${JSON.stringify(config.defaultArea)}`);
      const status = page.locator('.search-layout__list > p[role="status"]');
      const said = await eventually(
        'the search page naming its area',
        () => status.innerText(),
        (t) => / near /.test(t),
        15_000,
      );
      assert(/^\d+\+? businesse?s? near London$/.test(said.trim()), `the search page says "${said}"`);
      const api = await page.request.get(`/v1/businesses/search?lat=${config.defaultArea.lat}&lng=${config.defaultArea.lng}&radius=10&sort=distance&limit=20`);
      const { data: found } = (await api.json()) as { data: { id: string; name: string }[] };
      assert(shown === found.length && shown > 0, `the list shows ${shown} businesses, the API ${found.length}`);
      const canvas = await mapCanvas(page, 'Map of businesses');
      await screenshot(page, '21-search');

      // Pick the first business on the map and open its info card.
      const first = found[0]!;
      await page.getByRole('button', { name: new RegExp(`^Show on map\\W+${escapeRegExp(first.name)}$`) }).click();
      await page.waitForTimeout(600);
      const box = (await canvas.boundingBox())!;
      await canvas.click({ position: { x: box.width / 2, y: box.height / 2 } });
      const card = page.locator('.map-card');
      await card.getByRole('heading', { name: first.name }).waitFor();
      await screenshot(page, '22-search-info-card');
      await card.getByRole('link', { name: 'View business' }).click();
      await page.waitForURL(`**/businesses/${first.id}`);
      await page.getByRole('heading', { name: first.name, level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'Services and prices' }).waitFor();
      // No invented ratings: the seed leaves every business without reviews, and the page says so.
      await page.getByText(/^No reviews yet\. Owners can review/).waitFor();
      assert(!(await page.getByText(/\d+ reviews?\b/).count()), 'the business page shows a review count that no review backs');
      await mapCanvas(page, 'Service area map');
      await screenshot(page, '23-business-page');

      // The same pages on a phone.
      const phone = await newPage({ width: 375, height: 800 });
      await phone.goto('/search');
      await phone.locator('.result').first().waitFor();
      await mapCanvas(phone, 'Map of businesses');
      await screenshot(phone, '24-search-phone');
      await assertNoSidewaysScroll(phone, 'the search page on a phone');
      await phone.goto(`/businesses/${first.id}`);
      await phone.getByRole('heading', { name: first.name, level: 1 }).waitFor();
      await screenshot(phone, '25-business-page-phone');
    },
  },
];
