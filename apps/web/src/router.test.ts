import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory } from 'vue-router';
import { aUser, fail, mockFetch, ok } from './test/fetchMock';
import { PAYMENT } from './test/bookingFixtures';
import { createAppRouter, safeRedirect } from './router';
import { useSessionStore } from './stores/session';

beforeEach(() => {
  setActivePinia(createPinia());
  document.cookie = 'wd_session=1; path=/'; // the API's session hint: these pages start by restoring a session
  vi.spyOn(window, 'scrollTo').mockImplementation(() => undefined); // jsdom has no scrolling
});

describe('router', () => {
  it('sends a signed-out reader of a receipt mail through sign-in and back to the invoice', async () => {
    mockFetch({
      'POST /v1/auth/refresh-token': fail(401, 'UNAUTHORIZED', 'Sign in again.'),
      'POST /v1/auth/login': ok({ twoFactorRequired: false, accessToken: 'tok', expiresIn: 900, user: aUser() }),
    });
    const router = createAppRouter(createMemoryHistory());

    await router.push(`/payments/${PAYMENT}/invoice`);
    expect(router.currentRoute.value.name).toBe('signin');
    expect(router.currentRoute.value.query.redirect).toBe(`/payments/${PAYMENT}/invoice`);

    // What the sign-in page does once the password was right.
    await useSessionStore().login('rita@example.com', 'correct horse battery');
    await router.replace(safeRedirect(router.currentRoute.value.query.redirect));
    expect(router.currentRoute.value.name).toBe('invoice');
    expect(router.currentRoute.value.params.id).toBe(PAYMENT);
  });

  it('lets only pet owners change a booking', async () => {
    mockFetch({ 'POST /v1/auth/refresh-token': ok({ accessToken: 'tok', expiresIn: 900, user: aUser({ role: 'business' }) }) });
    const router = createAppRouter(createMemoryHistory());

    await router.push('/bookings/b1/edit');

    expect(router.currentRoute.value.name).toBe('business-dashboard');
  });

  it.each([
    ['pet_owner', 'dashboard'],
    ['business', 'business-dashboard'],
    ['worker', 'worker-today'],
    ['admin', 'dashboard'],
  ] as const)('lands a %s on their own home after sign-in', async (role, home) => {
    mockFetch({ 'POST /v1/auth/refresh-token': ok({ accessToken: 'tok', expiresIn: 900, user: aUser({ role }) }) });
    const router = createAppRouter(createMemoryHistory());
    await router.push(safeRedirect(undefined));
    expect(router.currentRoute.value.name).toBe(home);
    // The sign-in page itself sends a signed-in person home too.
    await router.push('/signin');
    expect(router.currentRoute.value.name).toBe(home);
  });
});
