// @vitest-environment node
/**
 * public/sw.js run in a VM with a stand-in worker scope: the real Cache Storage and Clients APIs exist
 * only in a browser, so they are small in-memory fakes here; Request/Response/URL are Node's own.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';

const SOURCE = readFileSync(fileURLToPath(new URL('../../public/sw.js', import.meta.url)), 'utf8');
const ORIGIN = 'https://walkydoggy.test';
const INDEX = `<!doctype html><script type="module" crossorigin src="/assets/index-abc123.js"></script><link rel="stylesheet" crossorigin href="/assets/index-def456.css">`;

type Listener = (event: Record<string, unknown>) => void;
type FakeClient = { url: string; focus: ReturnType<typeof vi.fn>; postMessage: ReturnType<typeof vi.fn> };

function worker({ online = true, windows = [] as FakeClient[] } = {}) {
  const listeners = new Map<string, Listener>();
  const stores = new Map<string, Map<string, Response>>();
  const keyOf = (request: string | Request) => new URL(typeof request === 'string' ? request : request.url, ORIGIN).href;
  const network = vi.fn(async (input: string | Request) => {
    if (!online) throw new TypeError('Failed to fetch');
    const path = new URL(typeof input === 'string' ? input : input.url, ORIGIN).pathname;
    return path === '/' || path === '/bookings/b1/live'
      ? new Response(INDEX, { headers: { 'content-type': 'text/html' } })
      : new Response(`body of ${path}`, { status: 200 });
  });
  const open = async (name: string) => {
    const store = stores.get(name) ?? new Map<string, Response>();
    stores.set(name, store);
    return {
      put: async (request: string | Request, response: Response) => void store.set(keyOf(request), response),
      addAll: async (requests: string[]) => {
        for (const request of requests) store.set(keyOf(request), await network(request));
      },
    };
  };
  const caches = {
    open,
    keys: async () => [...stores.keys()],
    delete: async (name: string) => stores.delete(name),
    match: async (request: string | Request) => {
      for (const store of stores.values()) {
        const hit = store.get(keyOf(request));
        if (hit) return hit.clone();
      }
      return undefined;
    },
  };
  const self = {
    location: new URL(`${ORIGIN}/sw.js`),
    addEventListener: (type: string, listener: Listener) => listeners.set(type, listener),
    skipWaiting: vi.fn(async () => undefined),
    registration: { showNotification: vi.fn(async () => undefined) },
    clients: { claim: vi.fn(), matchAll: vi.fn(async () => windows), openWindow: vi.fn(async () => null) },
  };
  runInNewContext(SOURCE, { self, caches, fetch: network, URL, Response, Request, Promise, Set, Error, TypeError, console });

  /** Dispatches an event and waits for everything it handed to waitUntil/respondWith. */
  async function dispatch(type: string, fields: Record<string, unknown> = {}) {
    const pending: Promise<unknown>[] = [];
    let response: Promise<Response> | undefined;
    listeners.get(type)!({ ...fields, waitUntil: (p: Promise<unknown>) => pending.push(p), respondWith: (p: Promise<Response>) => (response = p) });
    const answer = response ? await response : undefined;
    await Promise.all(pending);
    await Promise.all(pending); // what the response handler added
    return answer;
  }
  const cachedPaths = () => [...(stores.get('walkydoggy-shell-v2')?.keys() ?? [])].map((key) => new URL(key).pathname).sort();
  return { self, stores, network, dispatch, cachedPaths, goOffline: () => (online = false) };
}

const request = (path: string, mode: RequestMode | 'navigate' = 'no-cors') => {
  const r = new Request(`${ORIGIN}${path}`);
  // Node's Request refuses mode 'navigate' in its constructor; the worker only reads it.
  return Object.defineProperty(r, 'mode', { value: mode });
};

describe('service worker', () => {
  it('precaches the shell and the entry assets index.html names, and drops older caches', async () => {
    const sw = worker();
    sw.stores.set('walkydoggy-shell-v1', new Map());
    await sw.dispatch('install');
    await sw.dispatch('activate');

    expect(sw.cachedPaths()).toEqual(
      [
        '/',
        '/assets/index-abc123.js',
        '/assets/index-def456.css',
        '/badge-96.png',
        '/icon-192.png',
        '/icon-512.png',
        '/icon.svg',
        '/manifest.webmanifest',
      ].sort(),
    );
    expect([...sw.stores.keys()]).toEqual(['walkydoggy-shell-v2']);
    expect(sw.self.skipWaiting).toHaveBeenCalled();
  });

  it('opens offline: pages fall back to the cached shell, visited page chunks come from the cache, the API is left alone', async () => {
    const sw = worker();
    await sw.dispatch('install');
    // A visit to the live page loads its lazy chunk once while online.
    await sw.dispatch('fetch', { request: request('/assets/LiveTrackingPage-9f8e7d.js') });
    expect(sw.cachedPaths()).toContain('/assets/LiveTrackingPage-9f8e7d.js');

    sw.goOffline();
    const page = await sw.dispatch('fetch', { request: request('/bookings/b1/live', 'navigate') });
    expect(await page!.text()).toBe(INDEX);
    const chunk = await sw.dispatch('fetch', { request: request('/assets/LiveTrackingPage-9f8e7d.js') });
    expect(await chunk!.text()).toBe('body of /assets/LiveTrackingPage-9f8e7d.js');
    expect(await sw.dispatch('fetch', { request: request('/v1/notifications') })).toBeUndefined();
  });

  it('shows a push message as a notification', async () => {
    const sw = worker();
    await sw.dispatch('push', {
      data: { json: () => ({ title: 'Your walker is on the way', body: 'Will is 10 minutes away.', url: '/bookings/b1/live', tag: 'booking:b1' }) },
    });

    expect(sw.self.registration.showNotification).toHaveBeenCalledWith('Your walker is on the way', {
      body: 'Will is 10 minutes away.',
      icon: '/icon-192.png',
      badge: '/badge-96.png',
      data: { url: `${ORIGIN}/bookings/b1/live` },
      tag: 'booking:b1',
      renotify: true,
    });
  });

  it('opens a clicked notification in the open app window, or in a new one; never another site', async () => {
    const open: FakeClient = { url: `${ORIGIN}/dashboard`, focus: vi.fn(), postMessage: vi.fn() };
    open.focus.mockResolvedValue(open);
    let sw = worker({ windows: [open] });
    const click = (url: string) => ({ notification: { close: vi.fn(), data: { url } } });

    await sw.dispatch('notificationclick', click(`${ORIGIN}/bookings/b1/live`));
    expect(open.focus).toHaveBeenCalled();
    expect(open.postMessage).toHaveBeenCalledWith({ type: 'navigate', url: '/bookings/b1/live' });

    sw = worker({ windows: [] });
    await sw.dispatch('notificationclick', click('https://evil.example/phish'));
    expect(sw.self.clients.openWindow).toHaveBeenCalledWith(`${ORIGIN}/notifications`);
  });
});
