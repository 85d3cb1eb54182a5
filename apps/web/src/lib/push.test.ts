import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, ok } from '../test/fetchMock';
import { PushError, currentPushSubscription, disablePush, enablePush, pushPermission, syncPushSubscription, urlBase64ToUint8Array } from './push';

// A VAPID public key is an uncompressed P-256 point: 65 bytes starting with 4.
const KEY_BYTES = Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : (i * 37) % 256));
const KEY = Buffer.from(KEY_BYTES).toString('base64url');
const ENDPOINT = 'https://push.example.test/send/abc';

type FakeSubscription = {
  endpoint: string;
  options: { applicationServerKey: ArrayBuffer | null; userVisibleOnly: boolean };
  unsubscribe: ReturnType<typeof vi.fn>;
  toJSON: () => unknown;
};

function aSubscription(key: Uint8Array, endpoint = ENDPOINT): FakeSubscription {
  return {
    endpoint,
    options: { applicationServerKey: key.slice().buffer, userVisibleOnly: true },
    unsubscribe: vi.fn(async () => true),
    toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh: 'p'.repeat(87), auth: 'a'.repeat(22) } }),
  };
}

/** A browser with a service worker container and a PushManager that records what it is asked. */
function fakeBrowser({ permission = 'granted' as NotificationPermission, registered = true, existing = null as FakeSubscription | null } = {}) {
  let current = existing;
  const subscribe = vi.fn(async (options: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }) => {
    current = aSubscription(options.applicationServerKey, `${ENDPOINT}-new`);
    return current;
  });
  const registration = { pushManager: { getSubscription: vi.fn(async () => current), subscribe } };
  let hasRegistration = registered;
  const register = vi.fn(async () => {
    hasRegistration = true;
    return registration;
  });
  const container = {
    getRegistration: vi.fn(async () => (hasRegistration ? registration : undefined)),
    register,
    ready: Promise.resolve(registration),
  };
  Object.defineProperty(navigator, 'serviceWorker', { configurable: true, value: container });
  vi.stubGlobal('PushManager', function PushManager() {});
  const requestPermission = vi.fn(async () => permission);
  vi.stubGlobal('Notification', { permission: 'default', requestPermission });
  return { subscribe, register, requestPermission, current: () => current };
}

beforeEach(() => {
  delete (navigator as { serviceWorker?: unknown }).serviceWorker;
});
afterEach(() => {
  delete (navigator as { serviceWorker?: unknown }).serviceWorker;
  vi.unstubAllGlobals();
});

describe('urlBase64ToUint8Array', () => {
  it('decodes base64url without padding, including - and _', () => {
    expect([...urlBase64ToUint8Array('AQIDBA')]).toEqual([1, 2, 3, 4]);
    expect([...urlBase64ToUint8Array('-_8')]).toEqual([251, 255]);
    expect([...urlBase64ToUint8Array(KEY)]).toEqual([...KEY_BYTES]);
  });
});

describe('push on this device', () => {
  it('asks permission, subscribes with the server key and registers the subscription with the API', async () => {
    const browser = fakeBrowser();
    const net = mockFetch({
      'GET /v1/notifications/push-key': ok({ publicKey: KEY }),
      'POST /v1/notifications/push-subscriptions': ok({ id: 's1' }, 201),
    });

    const subscription = await enablePush();

    expect(browser.requestPermission).toHaveBeenCalledOnce();
    expect(browser.subscribe).toHaveBeenCalledOnce();
    const options = browser.subscribe.mock.calls[0]![0];
    expect(options.userVisibleOnly).toBe(true);
    expect([...options.applicationServerKey]).toEqual([...KEY_BYTES]);
    expect(subscription.endpoint).toBe(`${ENDPOINT}-new`);
    expect(net.callsTo('POST /v1/notifications/push-subscriptions')[0]?.body).toEqual({
      endpoint: `${ENDPOINT}-new`,
      expirationTime: null,
      keys: { p256dh: 'p'.repeat(87), auth: 'a'.repeat(22) },
    });
  });

  it('registers the service worker when none is (development), then subscribes', async () => {
    const browser = fakeBrowser({ registered: false });
    mockFetch({ 'GET /v1/notifications/push-key': ok({ publicKey: KEY }), 'POST /v1/notifications/push-subscriptions': ok({ id: 's1' }, 201) });

    await enablePush();

    expect(browser.register).toHaveBeenCalledWith('/sw.js');
    expect(browser.subscribe).toHaveBeenCalledOnce();
  });

  it('reuses a subscription made with the same key and replaces one made with an older key', async () => {
    const same = aSubscription(KEY_BYTES);
    let browser = fakeBrowser({ existing: same });
    const net = mockFetch({ 'GET /v1/notifications/push-key': ok({ publicKey: KEY }), 'POST /v1/notifications/push-subscriptions': ok({ id: 's1' }) });
    await enablePush();
    expect(browser.subscribe).not.toHaveBeenCalled();
    expect(same.unsubscribe).not.toHaveBeenCalled();
    expect((net.calls.at(-1)?.body as { endpoint: string }).endpoint).toBe(ENDPOINT);

    const stale = aSubscription(Uint8Array.from([4, 1, 2, 3]));
    browser = fakeBrowser({ existing: stale });
    await enablePush();
    expect(stale.unsubscribe).toHaveBeenCalledOnce();
    expect(browser.subscribe).toHaveBeenCalledOnce();
    expect((net.calls.at(-1)?.body as { endpoint: string }).endpoint).toBe(`${ENDPOINT}-new`);
  });

  it('explains a refused permission and an unsupported browser, and asks the API nothing', async () => {
    const net = mockFetch({});
    fakeBrowser({ permission: 'denied' });
    await expect(enablePush()).rejects.toMatchObject({ name: 'PushError', reason: 'denied' });
    fakeBrowser({ permission: 'default' });
    await expect(enablePush()).rejects.toMatchObject({ reason: 'dismissed' });

    vi.unstubAllGlobals();
    delete (navigator as { serviceWorker?: unknown }).serviceWorker;
    expect(pushPermission()).toBe('unsupported');
    const error = await enablePush().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PushError);
    expect((error as PushError).reason).toBe('unsupported');
    expect((error as PushError).message).toMatch(/cannot receive notifications/);
    expect(await currentPushSubscription()).toBeNull();
    expect(net.calls).toHaveLength(0);
  });

  it('turns off: unsubscribes the device and deletes the subscription by its endpoint', async () => {
    const existing = aSubscription(KEY_BYTES);
    fakeBrowser({ existing });
    const net = mockFetch({ 'DELETE /v1/notifications/push-subscriptions': ok({ deleted: 1 }) });

    expect(await currentPushSubscription()).toBe(existing);
    await disablePush();

    expect(existing.unsubscribe).toHaveBeenCalledOnce();
    expect(net.callsTo('DELETE /v1/notifications/push-subscriptions')[0]?.body).toEqual({ endpoint: ENDPOINT });
  });

  it('hands an existing subscription to the API again on sign-in, only with permission', async () => {
    const net = mockFetch({ 'POST /v1/notifications/push-subscriptions': ok({ id: 's1' }) });
    fakeBrowser({ existing: aSubscription(KEY_BYTES) });
    expect(await syncPushSubscription()).toBe(false); // permission still 'default'

    vi.stubGlobal('Notification', { permission: 'granted', requestPermission: vi.fn() });
    expect(await syncPushSubscription()).toBe(true);
    expect(net.callsTo('POST /v1/notifications/push-subscriptions').map((c) => (c.body as { endpoint: string }).endpoint)).toEqual([ENDPOINT]);
  });
});
