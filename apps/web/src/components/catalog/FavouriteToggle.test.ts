import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { aUser, fail, mockFetch, ok } from '../../test/fetchMock';
import { mountPage, settle } from '../../test/mountPage';
import { BIZ } from '../../test/bookingFixtures';
import { useSessionStore } from '../../stores/session';
import FavouriteToggle from './FavouriteToggle.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const Host = { components: { FavouriteToggle }, template: `<FavouriteToggle business-id="${BIZ}" business-name="Léa's Training" />` };
const favourite = { id: BIZ, name: "Léa's Training", city: 'Berlin', logoUrl: null, rating: null, reviewCount: 0, favouritedAt: '2025-06-01T10:00:00.000Z' };

async function mountAs(role: string | null) {
  const mounted = await mountPage({ template: '<p>page</p>' }, `/businesses/${BIZ}`);
  mounted.wrapper.unmount();
  if (role) useSessionStore().adoptSession({ accessToken: 'tok', expiresIn: 900, user: aUser({ role }) } as never);
  const { mount } = await import('@vue/test-utils');
  wrapper = mount(Host, { global: { plugins: [mounted.router] } });
  await settle();
  return wrapper;
}

describe('favourite toggle', () => {
  it('shows a pet owner whether the business is saved and saves and unsaves it', async () => {
    const net = mockFetch({
      'GET /v1/users/me/favourites': ok([]),
      [`PUT /v1/users/me/favourites/${BIZ}`]: ok(),
      [`DELETE /v1/users/me/favourites/${BIZ}`]: ok(),
    });
    const w = await mountAs('pet_owner');
    const button = () => w.find('button');
    expect(button().attributes('aria-pressed')).toBe('false');
    expect(button().text()).toContain('Save');

    await button().trigger('click');
    await settle();
    expect(net.callsTo(`PUT /v1/users/me/favourites/${BIZ}`)).toHaveLength(1);
    expect(button().attributes('aria-pressed')).toBe('true');
    expect(button().text()).toContain('Saved');

    await button().trigger('click');
    await settle();
    expect(net.callsTo(`DELETE /v1/users/me/favourites/${BIZ}`)).toHaveLength(1);
    expect(button().attributes('aria-pressed')).toBe('false');
  });

  it('starts pressed for a saved business and says why a save was refused', async () => {
    mockFetch({ 'GET /v1/users/me/favourites': ok([favourite]) });
    const saved = await mountAs('pet_owner');
    expect(saved.find('button').attributes('aria-pressed')).toBe('true');
    saved.unmount();

    mockFetch({
      'GET /v1/users/me/favourites': ok([{ ...favourite, id: 'other' }]),
      [`PUT /v1/users/me/favourites/${BIZ}`]: fail(409, 'CONFLICT', 'You can keep at most 50 favourites.'),
    });
    const w = await mountAs('pet_owner');
    expect(w.find('button').attributes('aria-pressed')).toBe('false');
    await w.find('button').trigger('click');
    await settle();
    expect(w.find('[role="alert"]').text()).toBe('You can keep at most 50 favourites.');
    expect(w.find('button').attributes('aria-pressed')).toBe('false');
  });

  it('offers signed-out visitors a sign-in link back here, and shows other roles nothing', async () => {
    const net = mockFetch({});
    const guest = await mountAs(null);
    expect(guest.find('button').exists()).toBe(false);
    expect(guest.find('a').attributes('href')).toBe(`/signin?redirect=/businesses/${BIZ}`);
    guest.unmount();

    const worker = await mountAs('worker');
    expect(worker.html()).not.toContain('Save');
    expect(worker.find('a').exists()).toBe(false);
    expect(net.calls).toHaveLength(0);
  });
});
