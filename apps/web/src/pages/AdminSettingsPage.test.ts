import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import AdminSettingsPage from './AdminSettingsPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());
const settings = { requireTwoFactorForBusiness: false, platformFeeBpsStandard: 1500, platformFeeBpsPremium: 1000 };

function fieldByLabel(w: VueWrapper, label: string) {
  const labelEl = w.findAll('label').find((l) => l.text().startsWith(label));
  if (!labelEl) throw new Error(`No field labelled ${label}`);
  return w.find(`#${labelEl.attributes('for')}`);
}

async function open() {
  wrapper = (await mountPage(AdminSettingsPage, '/admin/settings')).wrapper;
  await settle();
  return wrapper;
}

describe('admin settings: platform fees', () => {
  it('shows the fees in percent and saves them as basis points', async () => {
    const net = mockFetch({
      'GET /v1/admin/settings': ok(settings),
      'PUT /v1/admin/settings': (call) => ok({ ...settings, ...(call.body as object) }),
    });
    const page = await open();
    expect((fieldByLabel(page, 'Standard businesses (%)').element as HTMLInputElement).value).toBe('15');
    expect((fieldByLabel(page, 'Premium businesses (%)').element as HTMLInputElement).value).toBe('10');

    await fieldByLabel(page, 'Standard businesses (%)').setValue('12,5');
    await page.find('form').trigger('submit');
    await settle();

    expect(net.callsTo('PUT /v1/admin/settings')[0]?.body).toEqual({ platformFeeBpsStandard: 1250, platformFeeBpsPremium: 1000 });
    expect(page.text()).toContain('Platform fees saved: 12.5% for standard and 10% for premium businesses.');
  });

  it('refuses a fee above 50 % without asking the API', async () => {
    const net = mockFetch({ 'GET /v1/admin/settings': ok(settings) });
    const page = await open();

    await fieldByLabel(page, 'Premium businesses (%)').setValue('60');
    await page.find('form').trigger('submit');
    await settle();

    expect(page.text()).toContain('Enter a percentage from 0 to 50, like 15 or 12.5.');
    expect(net.callsTo('PUT /v1/admin/settings')).toHaveLength(0);
  });

  it('shows the API refusal next to the field', async () => {
    mockFetch({
      'GET /v1/admin/settings': ok(settings),
      'PUT /v1/admin/settings': fail(400, 'VALIDATION_ERROR', 'Check the fees.', [
        { path: 'body.platformFeeBpsStandard', message: 'Too high for this platform.' },
      ]),
    });
    const page = await open();

    await page.find('form').trigger('submit');
    await settle();

    expect(page.text()).toContain('Too high for this platform.');
  });
});
