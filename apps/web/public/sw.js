/*
 * WalkyDoggy's service worker: caches the app shell so the app opens offline (API calls always go to
 * the network), and shows Web Push notifications (docs/api/live.md).
 */
const CACHE = 'walkydoggy-shell-v2';
const SHELL = ['/', '/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/icon-512.png', '/badge-96.png'];
const API_PATHS = /^\/(v1|docs|healthz|readyz|socket\.io)(\/|$)/;

/** The built entry script, styles and preloads that index.html names (their names change every build). */
function assetsOf(html) {
  return [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]))];
}

async function precache() {
  const cache = await caches.open(CACHE);
  await cache.addAll(SHELL.slice(1));
  // The shell itself: fetched once, stored as '/', and the entry assets it names stored with it, so
  // the first offline start works without a build manifest. Lazy page chunks are cached when visited.
  const response = await fetch('/', { cache: 'no-cache' });
  if (!response.ok) throw new Error(`Shell answered ${response.status}`);
  await cache.put('/', response.clone());
  await cache.addAll(assetsOf(await response.text()));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (API_PATHS.test(url.pathname)) return;

  if (request.mode === 'navigate') {
    // Network first for pages, so a new deploy shows up at once; the cached shell is the fallback
    // (every path of the single-page app is served the same index.html).
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && (response.headers.get('content-type') || '').includes('text/html')) {
            const copy = response.clone();
            event.waitUntil(caches.open(CACHE).then((cache) => cache.put('/', copy)));
          }
          return response;
        })
        .catch(() => caches.match('/').then((cached) => cached || Response.error())),
    );
    return;
  }
  // Built assets have content hashes in their names, so a cached copy is always right: cache first,
  // and keep every one fetched (the chunk of each page once it was visited, maps, fonts).
  event.respondWith(
    caches.match(request).then(
      (cached) =>
        cached ||
        fetch(request).then((response) => {
          if (response.ok && (url.pathname.startsWith('/assets/') || SHELL.includes(url.pathname))) {
            const copy = response.clone();
            event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
          }
          return response;
        }),
    ),
  );
});

/** Only paths of this app are opened from a notification. */
function appUrl(value) {
  try {
    const url = new URL(typeof value === 'string' && value ? value : '/notifications', self.location.origin);
    return url.origin === self.location.origin ? url : new URL('/notifications', self.location.origin);
  } catch {
    return new URL('/notifications', self.location.origin);
  }
}

// The API sends JSON {title, body, url, tag}; a notification with the same tag replaces the previous one.
self.addEventListener('push', (event) => {
  let payload;
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    // Not JSON: show the text as it is.
    payload = { body: event.data ? event.data.text() : '' };
  }
  const options = {
    body: payload.body || '',
    icon: '/icon-192.png',
    badge: '/badge-96.png',
    data: { url: appUrl(payload.url).href },
  };
  if (payload.tag) {
    options.tag = payload.tag;
    options.renotify = true;
  }
  event.waitUntil(self.registration.showNotification(payload.title || 'WalkyDoggy', options));
});

// Opens what the notification is about: in a window of the app that is already open if there is one
// (the app routes there itself, without a reload), else in a new window.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = appUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (windows) => {
      const same = windows.find((client) => client.url === target.href);
      if (same) return same.focus();
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        const focused = await open.focus();
        focused.postMessage({ type: 'navigate', url: target.pathname + target.search + target.hash });
        return focused;
      }
      return self.clients.openWindow(target.href);
    }),
  );
});
