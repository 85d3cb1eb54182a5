import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Component } from 'vue';

/**
 * Mounts one page at `path` with a real router and store; other routes are empty stand-ins. `stubs`
 * replaces child components (maps need WebGL, which jsdom lacks).
 */
export async function mountPage(page: Component, path: string, at = path.split('?')[0] ?? path, stubs: Record<string, boolean | Component> = {}) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const stub = { template: '<p>other page</p>' };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: at, component: page },
      { path: '/dashboard', name: 'dashboard', component: stub },
      { path: '/:rest(.*)*', component: stub },
    ],
  });
  await router.push(path);
  await router.isReady();
  const wrapper = mount(page, { global: { plugins: [pinia, router], stubs }, attachTo: document.body });
  return { wrapper, router };
}

/** Lets pending fetch promises and the re-render after them run. */
export async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
