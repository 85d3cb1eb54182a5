import { createApp, watch } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppRouter } from './router';
import { onSessionExpired } from './api/client';
import { useSessionStore } from './stores/session';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
const router = createAppRouter();
app.use(router);
// The realtime socket (notifications, live walks) is open exactly while someone is signed in. Its code
// (Socket.IO, the notifications store) loads at the first sign-in: signed-out visitors never download it.
const session = useSessionStore();
let following = false;
watch(
  () => session.isSignedIn,
  (signedIn) => {
    if (!signedIn || following) return;
    following = true;
    void import('./stores/notifications').then(({ useNotificationsStore }) => useNotificationsStore().followSession());
  },
  { immediate: true },
);

onSessionExpired(() => {
  const here = router.currentRoute.value;
  if (here.meta.requiresAuth) void router.push({ name: 'signin', query: { redirect: here.fullPath, expired: '1' } });
});

app.mount('#app');

if ('serviceWorker' in navigator) {
  // A push notification clicked while the app is open: the service worker asks this window to go there.
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<{ type?: string; url?: unknown }>) => {
    const { type, url } = event.data ?? {};
    if (type === 'navigate' && typeof url === 'string' && url.startsWith('/') && !url.startsWith('//')) void router.push(url);
  });
}

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // The app works without offline support; nothing to tell the person.
    });
  });
}
