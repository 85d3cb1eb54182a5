import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { aUser, fail, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { useSessionStore } from '../stores/session';
import SignInPage from './SignInPage.vue';

const signedIn = { twoFactorRequired: false, accessToken: 'tok', expiresIn: 900, user: aUser() };
let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

function fieldByLabel(w: VueWrapper, label: string) {
  const labelEl = w.findAll('label').find((l) => l.text().startsWith(label));
  if (!labelEl) throw new Error(`No field labelled ${label}`);
  return w.find(`#${labelEl.attributes('for')}`);
}

async function enterCredentials(w: VueWrapper) {
  await fieldByLabel(w, 'E-mail').setValue('rita@example.com');
  await fieldByLabel(w, 'Password').setValue('correct horse battery');
  await w.find('form').trigger('submit');
  await settle();
}

describe('sign-in page', () => {
  it('asks for the authenticator code as a second step and then goes where the person wanted', async () => {
    const net = mockFetch({
      'POST /v1/auth/login': ok({ twoFactorRequired: true, challengeToken: 'challenge-abcdefgh' }),
      'POST /v1/auth/login/2fa': ok(signedIn),
    });
    const mounted = await mountPage(SignInPage, '/signin?redirect=/profile');
    wrapper = mounted.wrapper;

    await enterCredentials(wrapper);
    expect(net.callsTo('POST /v1/auth/login')[0]?.body).toEqual({ email: 'rita@example.com', password: 'correct horse battery' });
    expect(wrapper.find('h1').text()).toBe('Two-factor sign-in');

    // The shared schema rejects a short code before anything is sent.
    const code = fieldByLabel(wrapper, '6-digit code');
    await code.setValue('12');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(wrapper.text()).toContain('Enter the 6-digit code from your authenticator app.');
    expect(code.attributes('aria-invalid')).toBe('true');
    expect(net.callsTo('POST /v1/auth/login/2fa')).toHaveLength(0);

    await code.setValue('123456');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(net.callsTo('POST /v1/auth/login/2fa')[0]?.body).toEqual({ challengeToken: 'challenge-abcdefgh', code: '123456' });
    expect(useSessionStore().isSignedIn).toBe(true);
    expect(mounted.router.currentRoute.value.fullPath).toBe('/profile');
  });

  it('accepts a recovery code instead and shows a wrong one clearly', async () => {
    const net = mockFetch({
      'POST /v1/auth/login': ok({ twoFactorRequired: true, challengeToken: 'challenge-abcdefgh' }),
      'POST /v1/auth/login/2fa': fail(401, 'TWO_FACTOR_INVALID', 'That code is not valid.'),
    });
    wrapper = (await mountPage(SignInPage, '/signin')).wrapper;
    await enterCredentials(wrapper);

    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Use a recovery code instead')!
      .trigger('click');
    await fieldByLabel(wrapper, 'Recovery code').setValue('ABCDE-12345');
    await wrapper.find('form').trigger('submit');
    await settle();

    expect(net.callsTo('POST /v1/auth/login/2fa')[0]?.body).toEqual({ challengeToken: 'challenge-abcdefgh', recoveryCode: 'ABCDE-12345' });
    expect(wrapper.find('[role="alert"]').text()).toContain('That code is not valid.');
    expect(useSessionStore().isSignedIn).toBe(false);
  });

  it('explains a locked account', async () => {
    mockFetch({
      'POST /v1/auth/login': {
        ...fail(429, 'ACCOUNT_LOCKED', 'Too many failed sign-ins. The account is locked for a while.'),
        headers: { 'retry-after': '900' },
      },
    });
    wrapper = (await mountPage(SignInPage, '/signin')).wrapper;
    await enterCredentials(wrapper);

    const alert = wrapper.find('[role="alert"]');
    expect(alert.text()).toContain('Account temporarily locked');
    expect(alert.text()).toContain('Try again in 15 minutes');
    expect(wrapper.find('h1').text()).toBe('Sign in');
  });

  it('signs straight in without two-factor and goes to the dashboard', async () => {
    mockFetch({ 'POST /v1/auth/login': ok(signedIn) });
    const mounted = await mountPage(SignInPage, '/signin');
    wrapper = mounted.wrapper;
    await enterCredentials(wrapper);
    expect(mounted.router.currentRoute.value.path).toBe('/dashboard');
  });
});
