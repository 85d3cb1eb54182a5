import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppRouter } from './router';
import { onSessionExpired } from './api/client';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
const router = createAppRouter();
app.use(router);

onSessionExpired(() => {
  const here = router.currentRoute.value;
  if (here.meta.requiresAuth) void router.push({ name: 'signin', query: { redirect: here.fullPath, expired: '1' } });
});

app.mount('#app');

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // The app works without offline support; nothing to tell the person.
    });
  });
}
