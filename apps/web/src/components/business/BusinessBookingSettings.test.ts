import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../../test/fetchMock';
import { mountPage, settle } from '../../test/mountPage';
import { BIZ, aBusiness } from '../../test/bookingFixtures';
import BusinessDashboardPage from '../../pages/BusinessDashboardPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const bookingSettings = { travelBufferMinutes: 20, dailyCapacity: 8, bookingExpiryHours: 12, startWindowMinutes: 120 };
const routes = {
  'GET /v1/businesses': ok([aBusiness({ bookingSettings })]),
  [`GET /v1/businesses/${BIZ}/services`]: ok([]),
  [`GET /v1/businesses/${BIZ}/workers`]: ok([]),
  [`GET /v1/businesses/${BIZ}/worker-invitations`]: ok([]),
};

function input(w: VueWrapper, label: string) {
  const labelEl = w.findAll('label').find((l) => l.text().startsWith(label));
  if (!labelEl) throw new Error(`No field labelled ${label}`);
  return w.find(`#${labelEl.attributes('for')}`);
}

async function openTab() {
  // The profile tab's map needs WebGL, which jsdom lacks.
  wrapper = (await mountPage(BusinessDashboardPage, '/business', '/business', { LocationPicker: true, TeamLiveMap: true })).wrapper;
  await settle();
  await wrapper
    .findAll('[role="tab"]')
    .find((t) => t.text() === 'Booking settings')!
    .trigger('click');
  await settle();
  return wrapper;
}

describe('business booking settings', () => {
  it("shows the business's values and saves them as bookingSettings", async () => {
    const net = mockFetch({
      ...routes,
      [`PUT /v1/businesses/${BIZ}`]: (call) => ok(aBusiness({ ...(call.body as object) })),
    });
    const page = await openTab();
    expect((input(page, 'Travel time between jobs').element as HTMLInputElement).value).toBe('20');
    expect((input(page, 'Pets a day').element as HTMLInputElement).value).toBe('8');

    await input(page, 'Time to answer a request').setValue('48');
    await input(page, 'Workers may set off').setValue('90');
    await page.find('[role="tabpanel"] form').trigger('submit');
    await settle();

    expect(net.callsTo(`PUT /v1/businesses/${BIZ}`)[0]?.body).toEqual({
      bookingSettings: { travelBufferMinutes: 20, dailyCapacity: 8, bookingExpiryHours: 48, startWindowMinutes: 90 },
    });
  });

  it('keeps values outside the allowed range from the API', async () => {
    const net = mockFetch(routes);
    const page = await openTab();

    await input(page, 'Time to answer a request').setValue('0');
    await page.find('[role="tabpanel"] form').trigger('submit');
    await settle();

    expect(page.text()).toContain('Enter a whole number from 1 to 168.');
    expect(net.calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
  });
});
