import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { DEFAULT_CHANNELS } from '@walkydoggy/shared';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import NotificationSettingsPage from './NotificationSettingsPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  delete (navigator as { serviceWorker?: unknown }).serviceWorker;
  vi.unstubAllGlobals();
});

const PREFS = 'GET /v1/notifications/preferences';
const SAVE = 'PUT /v1/notifications/preferences';
const stored = {
  channels: { 'booking.confirmed': { email: false } },
  quietHours: null,
  timeZone: 'Europe/Berlin',
  smsReady: false,
};

const box = (name: string) => wrapper!.find(`input[name="${name}"]`);
const submit = async () => {
  await wrapper!.find('form').trigger('submit');
  await settle();
};

describe('notification settings', () => {
  it('shows the stored choices over the defaults and saves the merged preferences', async () => {
    const net = mockFetch({ [PREFS]: ok(stored), [SAVE]: (call) => ok({ ...(call.body as object), smsReady: false }) });
    wrapper = (await mountPage(NotificationSettingsPage, '/settings/notifications')).wrapper;
    await settle();

    expect((box('booking.confirmed.email').element as HTMLInputElement).checked).toBe(false);
    expect((box('booking.requested.email').element as HTMLInputElement).checked).toBe(true);
    expect((box('worker.on_the_way.sms').element as HTMLInputElement).checked).toBe(true);
    expect(wrapper.find('input[aria-label="Booking confirmed: in-app (always on)"]').attributes('disabled')).toBeDefined();
    // No phone number yet: the SMS column says so and leads to the profile.
    expect(wrapper.text()).toContain('SMS needs a phone number');
    expect(wrapper.find('a[href="/profile"]').exists()).toBe(true);
    expect((wrapper.find('select').element as HTMLSelectElement).value).toBe('Europe/Berlin');

    await box('review.received.push').setValue(false);
    await box('booking.reminder_24h.sms').setValue(true);
    await box('quietOn').setValue(true);
    await box('quietStart').setValue('21:30');
    await box('quietEnd').setValue('06:45');
    await submit();

    const expected = structuredClone(DEFAULT_CHANNELS);
    expected['booking.confirmed'].email = false;
    expected['review.received'].push = false;
    expected['booking.reminder_24h'].sms = true;
    expect(net.callsTo(SAVE)[0]?.body).toEqual({ channels: expected, quietHours: { start: '21:30', end: '06:45' }, timeZone: 'Europe/Berlin' });
    expect(wrapper.text()).toContain('Your notification settings are saved.');
  });

  it('checks quiet hours before sending and shows the API’s field errors', async () => {
    const net = mockFetch({
      [PREFS]: ok({ ...stored, quietHours: { start: '22:00', end: '07:00' }, smsReady: true }),
      [SAVE]: fail(400, 'VALIDATION_ERROR', 'Check the highlighted fields.', [{ path: 'body.timeZone', message: 'Unknown time zone.' }]),
    });
    wrapper = (await mountPage(NotificationSettingsPage, '/settings/notifications')).wrapper;
    await settle();
    expect(wrapper.text()).not.toContain('SMS needs a phone number');
    expect((box('quietStart').element as HTMLInputElement).value).toBe('22:00');

    await box('quietStart').setValue('');
    await submit();
    expect(net.callsTo(SAVE)).toHaveLength(0);
    expect(wrapper.find('.field--invalid').text()).toContain('Use a 24-hour time like 22:00.');

    await box('quietStart').setValue('23:00');
    await submit();
    expect(net.callsTo(SAVE)).toHaveLength(1);
    expect(wrapper.text()).toContain('Check the highlighted fields.');
    expect(wrapper.find('.field--invalid').text()).toContain('Unknown time zone.');
  });

  it('turns quiet hours off by sending null', async () => {
    const net = mockFetch({ [PREFS]: ok({ ...stored, quietHours: { start: '22:00', end: '07:00' } }), [SAVE]: (call) => ok(call.body) });
    wrapper = (await mountPage(NotificationSettingsPage, '/settings/notifications')).wrapper;
    await settle();

    await box('quietOn').setValue(false);
    await submit();

    expect(net.callsTo(SAVE)[0]?.body).toMatchObject({ quietHours: null });
  });

  it('explains when this browser cannot do push', async () => {
    mockFetch({ [PREFS]: ok(stored) });
    wrapper = (await mountPage(NotificationSettingsPage, '/settings/notifications')).wrapper;
    await settle();
    expect(wrapper.text()).toContain('This browser cannot receive notifications from WalkyDoggy');
    expect(wrapper.findAll('button').some((b) => b.text().includes('Turn on notifications'))).toBe(false);
  });

  it('turns push on for this device, and explains a refused permission', async () => {
    let permission: NotificationPermission = 'granted';
    const subscription = {
      endpoint: 'https://push.example.test/send/1',
      options: { applicationServerKey: null },
      unsubscribe: vi.fn(async () => true),
      toJSON: () => ({ endpoint: 'https://push.example.test/send/1', expirationTime: null, keys: { p256dh: 'p'.repeat(87), auth: 'a'.repeat(22) } }),
    };
    const registration = { pushManager: { getSubscription: vi.fn(async () => null), subscribe: vi.fn(async () => subscription) } };
    Object.defineProperty(navigator, 'serviceWorker', {
      configurable: true,
      value: { getRegistration: async () => registration, register: vi.fn(), ready: Promise.resolve(registration) },
    });
    vi.stubGlobal('PushManager', function PushManager() {});
    vi.stubGlobal('Notification', { permission: 'default', requestPermission: async () => permission });
    const net = mockFetch({
      [PREFS]: ok(stored),
      'GET /v1/notifications/push-key': ok({ publicKey: 'BAECAwQ' }),
      'POST /v1/notifications/push-subscriptions': ok({ id: 's1' }, 201),
    });
    wrapper = (await mountPage(NotificationSettingsPage, '/settings/notifications')).wrapper;
    await settle();

    const turnOn = () => wrapper!.findAll('button').find((b) => b.text() === 'Turn on notifications on this device')!;
    permission = 'denied';
    await turnOn().trigger('click');
    await settle();
    expect(wrapper.text()).toContain('Notifications are blocked');
    expect(net.callsTo('POST /v1/notifications/push-subscriptions')).toHaveLength(0);

    wrapper.unmount();
    permission = 'granted';
    wrapper = (await mountPage(NotificationSettingsPage, '/settings/notifications')).wrapper;
    await settle();
    await turnOn().trigger('click');
    await settle();
    expect(net.callsTo('POST /v1/notifications/push-subscriptions')[0]?.body).toMatchObject({ endpoint: 'https://push.example.test/send/1' });
    expect(wrapper.text()).toContain('Notifications are on for this device.');
  });
});
