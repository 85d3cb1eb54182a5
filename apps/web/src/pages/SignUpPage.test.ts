import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import SignUpPage from './SignUpPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

function field(w: VueWrapper, name: string) {
  return w.find(`input[name="${name}"]`);
}
function errorFor(w: VueWrapper, name: string) {
  const input = field(w, name);
  const ids = (input.attributes('aria-describedby') ?? '').split(' ');
  const error = ids.map((id) => w.find(`#${id}.field__error`)).find((e) => e.exists());
  return { invalid: input.attributes('aria-invalid') === 'true', text: error?.text() ?? '' };
}

describe('sign-up page', () => {
  it('shows the shared schema messages next to each field without calling the API', async () => {
    const net = mockFetch({});
    wrapper = (await mountPage(SignUpPage, '/signup')).wrapper;

    await field(wrapper, 'email').setValue('not-an-email');
    await field(wrapper, 'password').setValue('short');
    await wrapper.find('form').trigger('submit');
    await settle();

    expect(errorFor(wrapper, 'firstName')).toEqual({ invalid: true, text: 'First name is required.' });
    expect(errorFor(wrapper, 'lastName')).toEqual({ invalid: true, text: 'Last name is required.' });
    expect(errorFor(wrapper, 'email')).toEqual({ invalid: true, text: 'Enter a valid e-mail address.' });
    expect(errorFor(wrapper, 'password').text).toBe('Use at least 10 characters.');
    expect(errorFor(wrapper, 'phone').invalid).toBe(false);
    expect(net.calls).toHaveLength(0);
    expect(document.activeElement).toBe(field(wrapper, 'firstName').element);
  });

  it('rejects a password that is the e-mail address, as the API would', async () => {
    mockFetch({});
    wrapper = (await mountPage(SignUpPage, '/signup')).wrapper;
    await field(wrapper, 'firstName').setValue('Rita');
    await field(wrapper, 'lastName').setValue('Runner');
    await field(wrapper, 'email').setValue('rita.runner@example.com');
    await field(wrapper, 'password').setValue('rita.runner@example.com');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(errorFor(wrapper, 'password').text).toBe('The password must not be your e-mail address.');
  });

  it('shows field errors from the API, then the check-your-e-mail state on success', async () => {
    let attempt = 0;
    const net = mockFetch({
      'POST /v1/auth/register': () =>
        ++attempt === 1
          ? fail(400, 'VALIDATION_ERROR', 'Check the highlighted fields.', [{ path: 'body.phone', message: 'This phone number is not accepted.' }])
          : ok(undefined, 202),
    });
    wrapper = (await mountPage(SignUpPage, '/signup')).wrapper;

    await wrapper.find('input[value="business"]').setValue(true);
    await field(wrapper, 'firstName').setValue('Bea');
    await field(wrapper, 'lastName').setValue('Walker');
    await field(wrapper, 'email').setValue('  bea@example.com ');
    await field(wrapper, 'phone').setValue('+44 20 7946 0000');
    await field(wrapper, 'password').setValue('long enough pass phrase');
    await wrapper.find('form').trigger('submit');
    await settle();

    expect(net.callsTo('POST /v1/auth/register')[0]?.body).toEqual({
      role: 'business',
      firstName: 'Bea',
      lastName: 'Walker',
      email: 'bea@example.com',
      phone: '+44 20 7946 0000',
      password: 'long enough pass phrase',
    });
    expect(errorFor(wrapper, 'phone')).toEqual({ invalid: true, text: 'This phone number is not accepted.' });
    expect(wrapper.find('[role="alert"]').text()).toContain('Check the highlighted fields.');

    await wrapper.find('form').trigger('submit');
    await settle();
    expect(wrapper.find('h1').text()).toBe('Check your e-mail');
    expect(wrapper.text()).toContain('bea@example.com');
  });
});
