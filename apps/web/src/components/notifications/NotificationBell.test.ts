import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { aUser, mockFetch, ok } from '../../test/fetchMock';
import { mountPage, settle } from '../../test/mountPage';
import { useNotificationsStore } from '../../stores/notifications';
import { useSessionStore } from '../../stores/session';
import AppHeader from '../AppHeader.vue';
import NotificationBell from './NotificationBell.vue';
import NotificationToast from './NotificationToast.vue';
import { aNotification, page } from './testFixtures';

vi.mock('../../lib/realtime', async () => (await import('./testFixtures')).createFakeRealtime());

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const RECENT = 'GET /v1/notifications?limit=10';
const latest = [
  aNotification('n1', { title: 'Walk started', data: { link: '/bookings/b1/live' } }),
  aNotification('n2', { title: 'Payment received', read: true, readAt: '2025-06-02T07:05:00.000Z' }),
];

async function mountBell(unreadCount = 1) {
  const net = mockFetch({
    [RECENT]: page(latest, unreadCount, null, 10),
    'PUT /v1/notifications/n1/read': ok({ ...latest[0], read: true, readAt: '2025-06-02T08:00:00.000Z' }),
    'PUT /v1/notifications/read-all': ok({ updated: 1 }),
  });
  const mounted = await mountPage(NotificationBell, '/dashboard');
  wrapper = mounted.wrapper;
  const store = useNotificationsStore();
  await store.loadRecent();
  await settle();
  return { ...mounted, net, store, button: wrapper.find('button.bell__button') };
}

describe('notification bell', () => {
  it('shows the unread count in the badge and in the button name, and follows live changes', async () => {
    const { store, button } = await mountBell(3);

    expect(button.attributes('aria-label')).toBe('Notifications, 3 unread');
    expect(wrapper!.find('.bell__badge').text()).toBe('3');

    store.receive({ ...aNotification('n9'), unreadCount: 150 });
    await settle();
    expect(button.attributes('aria-label')).toBe('Notifications, 150 unread');
    expect(wrapper!.find('.bell__badge').text()).toBe('99+');

    store.unreadCount = 0;
    await settle();
    expect(button.attributes('aria-label')).toBe('Notifications, 0 unread');
    expect(wrapper!.find('.bell__badge').exists()).toBe(false);
  });

  it('opens a dropdown with the latest notifications, and Escape closes it and returns focus', async () => {
    const { button } = await mountBell();
    // Closed, the list is not in the page at all (nothing hidden for screen readers or text searches to find).
    expect(wrapper!.find('#notifications-panel').exists()).toBe(false);
    expect(button.attributes('aria-expanded')).toBe('false');

    await button.trigger('click');
    await settle();
    expect(button.attributes('aria-expanded')).toBe('true');
    const panel = wrapper!.find('#notifications-panel');
    expect(panel.isVisible()).toBe(true);
    const items = panel.findAll('.bell__item');
    expect(items.map((i) => i.find('.bell__item-title').text())).toEqual(['Unread: Walk started', 'Payment received']);
    expect(items[0]!.classes()).toContain('bell__item--unread');
    expect(panel.find('a[href="/notifications"]').text()).toBe('See all');

    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await settle();
    expect(button.attributes('aria-expanded')).toBe('false');
    expect(wrapper!.find('#notifications-panel').exists()).toBe(false);
    expect(document.activeElement).toBe(button.element);
  });

  it('marks a chosen notification read and opens its link', async () => {
    const { button, net, router, store } = await mountBell();
    await button.trigger('click');
    await settle();

    await wrapper!.findAll('.bell__item')[0]!.trigger('click');
    await settle();

    expect(net.callsTo('PUT /v1/notifications/n1/read')).toHaveLength(1);
    expect(store.unreadCount).toBe(0);
    expect(router.currentRoute.value.fullPath).toBe('/bookings/b1/live');
    expect(button.attributes('aria-expanded')).toBe('false');
  });

  it('marks all as read from the dropdown', async () => {
    const { button, net } = await mountBell(4);
    await button.trigger('click');
    await settle();

    await wrapper!
      .findAll('button')
      .find((b) => b.text() === 'Mark all as read')!
      .trigger('click');
    await settle();

    expect(net.callsTo('PUT /v1/notifications/read-all')).toHaveLength(1);
    expect(button.attributes('aria-label')).toBe('Notifications, 0 unread');
    expect(wrapper!.findAll('.bell__item--unread')).toHaveLength(0);
  });
});

describe('notification toast', () => {
  it('announces a live notification and goes away by itself', async () => {
    vi.useFakeTimers();
    const mounted = await mountPage(NotificationToast, '/dashboard');
    wrapper = mounted.wrapper;
    const store = useNotificationsStore();

    store.receive({ ...aNotification('n5', { title: 'Your walker is on the way', message: 'Will is 10 minutes away.' }), unreadCount: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(wrapper.find('[role="status"]').text()).toContain('Your walker is on the way');

    await vi.advanceTimersByTimeAsync(6000);
    expect(wrapper.find('.toast').exists()).toBe(false);
  });
});

describe('app header', () => {
  it('shows the bell to signed-in people only, next to the existing nav', async () => {
    mockFetch({ [RECENT]: page([], 0, null, 10) });
    const mounted = await mountPage(AppHeader, '/worker/today');
    wrapper = mounted.wrapper;
    expect(wrapper.find('.bell').exists()).toBe(false);

    const session = useSessionStore();
    session.user = aUser({ role: 'worker' }) as never;
    session.accessToken = 'token';
    await settle();

    expect(wrapper.find('button[aria-label="Notifications, 0 unread"]').exists()).toBe(true);
    expect(wrapper.find('a[href="/worker/today"]').text()).toBe('Today');
  });
});
