import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { aUser, fail, mockFetch, ok } from '../test/fetchMock';
import { aNotification, createFakeRealtime, page } from '../components/notifications/testFixtures';
import { useNotificationsStore } from './notifications';
import { useSessionStore } from './session';

const live = vi.hoisted(() => ({ fake: null as unknown as ReturnType<typeof createFakeRealtime> }));
vi.mock('../lib/realtime', async () => {
  const { createFakeRealtime } = await import('../components/notifications/testFixtures');
  live.fake = createFakeRealtime();
  return live.fake;
});

const RECENT = 'GET /v1/notifications?limit=10';
const FIRST = 'GET /v1/notifications?limit=20';

beforeEach(() => {
  setActivePinia(createPinia());
  live.fake.reset();
});
afterEach(() => vi.unstubAllGlobals());

async function signIn() {
  const session = useSessionStore();
  session.user = aUser() as never;
  session.accessToken = 'access-1';
  await nextTick();
  return session;
}

describe('notifications store', () => {
  it('connects the socket on sign-in, loads the bell and follows live events, and disconnects on sign-out', async () => {
    const net = mockFetch({ [RECENT]: page([aNotification('n1')], 3, null, 10) });
    const store = useNotificationsStore();
    store.followSession();
    expect(live.fake.connected).toBe(0);

    const session = await signIn();
    await vi.waitFor(() => expect(store.recentLoaded).toBe(true));
    expect(live.fake.connected).toBe(1);
    expect(live.fake.token?.()).toBe('access-1');
    expect(store.unreadCount).toBe(3);
    expect(store.recent.map((n) => n.id)).toEqual(['n1']);

    live.fake.emit('notification:new', { ...aNotification('n2', { title: 'Walk started' }), unreadCount: 4 });
    expect(store.unreadCount).toBe(4);
    expect(store.recent.map((n) => n.id)).toEqual(['n2', 'n1']);
    expect(store.toast?.title).toBe('Walk started');

    live.fake.emit('notification:count', { unreadCount: 1 });
    expect(store.unreadCount).toBe(1);

    // A reconnection after a drop catches up on what was missed.
    live.fake.setState('connected');
    live.fake.setState('disconnected');
    live.fake.setState('connected');
    await vi.waitFor(() => expect(net.callsTo(RECENT)).toHaveLength(2));

    session.user = null;
    session.accessToken = null;
    await nextTick();
    expect(live.fake.disconnected).toBe(1);
    expect(live.fake.listenerCount('notification:new')).toBe(0);
    expect(store.unreadCount).toBe(0);
    expect(store.recent).toEqual([]);
  });

  it('keeps the bell at the latest ten and adds live ones to the page list only once it is loaded', async () => {
    mockFetch({
      [RECENT]: page(
        Array.from({ length: 10 }, (_, i) => aNotification(`r${i}`)),
        10,
        'c',
        10,
      ),
      [FIRST]: page([aNotification('r0')], 10, null),
    });
    const store = useNotificationsStore();
    await store.loadRecent();
    store.receive({ ...aNotification('new1'), unreadCount: 11 });
    expect(store.recent).toHaveLength(10);
    expect(store.recent[0]?.id).toBe('new1');
    expect(store.items).toEqual([]);

    await store.loadList();
    store.receive({ ...aNotification('new2'), unreadCount: 12 });
    store.receive({ ...aNotification('new2'), unreadCount: 12 });
    expect(store.items.map((n) => n.id)).toEqual(['new2', 'r0']);
  });

  it('marks one read: the API is called, every copy turns read and the count drops', async () => {
    const readAt = '2025-06-02T08:00:00.000Z';
    const net = mockFetch({
      [RECENT]: page([aNotification('n1'), aNotification('n2', { read: true, readAt })], 1, null, 10),
      [FIRST]: page([aNotification('n1')], 1),
      'PUT /v1/notifications/n1/read': ok(aNotification('n1', { read: true, readAt })),
    });
    const store = useNotificationsStore();
    await store.loadRecent();
    await store.loadList();

    await store.markRead('n1');
    // Already read: nothing to send, the count stays.
    await store.markRead('n2');

    expect(net.callsTo('PUT /v1/notifications/n1/read')).toHaveLength(1);
    expect(net.calls.filter((c) => c.path.includes('n2'))).toHaveLength(0);
    expect(store.unreadCount).toBe(0);
    expect(store.recent[0]).toMatchObject({ id: 'n1', read: true, readAt });
    expect(store.items[0]).toMatchObject({ id: 'n1', read: true, readAt });
  });

  it('puts a notification back to unread when the API refuses', async () => {
    mockFetch({
      [RECENT]: page([aNotification('n1')], 1, null, 10),
      'PUT /v1/notifications/n1/read': fail(404, 'NOT_FOUND', 'Notification not found.'),
    });
    const store = useNotificationsStore();
    await store.loadRecent();

    await expect(store.markRead('n1')).rejects.toMatchObject({ status: 404 });
    expect(store.recent[0]?.read).toBe(false);
    expect(store.unreadCount).toBe(1);
  });

  it('marks all read, and undoes it when that fails', async () => {
    let refuse = false;
    const net = mockFetch({
      [RECENT]: page([aNotification('n1'), aNotification('n2')], 5, null, 10),
      'PUT /v1/notifications/read-all': () => (refuse ? fail(500, 'INTERNAL_ERROR', 'Down.') : ok({ updated: 5 })),
    });
    const store = useNotificationsStore();
    await store.loadRecent();

    refuse = true;
    await expect(store.markAllRead()).rejects.toMatchObject({ status: 500 });
    expect(store.unreadCount).toBe(5);
    expect(store.recent.every((n) => !n.read)).toBe(true);

    refuse = false;
    await store.markAllRead();
    expect(net.callsTo('PUT /v1/notifications/read-all')).toHaveLength(2);
    expect(store.unreadCount).toBe(0);
    expect(store.recent.every((n) => n.read && n.readAt)).toBe(true);
  });

  it('deletes: gone from both lists, and the count drops only for an unread one', async () => {
    const net = mockFetch({
      [RECENT]: page([aNotification('n1'), aNotification('n2', { read: true })], 1, null, 10),
      [FIRST]: page([aNotification('n1'), aNotification('n2', { read: true })], 1),
      'DELETE /v1/notifications/n1': ok({ deleted: true }),
      'DELETE /v1/notifications/n2': ok({ deleted: true }),
    });
    const store = useNotificationsStore();
    await store.loadRecent();
    await store.loadList();

    await store.remove('n2');
    expect(store.unreadCount).toBe(1);
    await store.remove('n1');

    expect(net.callsTo('DELETE /v1/notifications/n1')).toHaveLength(1);
    expect(store.unreadCount).toBe(0);
    expect(store.recent).toEqual([]);
    expect(store.items).toEqual([]);
  });

  it('pages with the cursor and the unread filter, ignoring a late answer for the previous filter', async () => {
    let releaseAll: () => void = () => undefined;
    const net = mockFetch({
      [FIRST]: () => new Promise((resolve) => (releaseAll = () => resolve(page([aNotification('old')], 2, null)))),
      'GET /v1/notifications?limit=20&unread=true': page([aNotification('u1')], 2, 'cur-1'),
      'GET /v1/notifications?limit=20&cursor=cur-1&unread=true': page([aNotification('u1'), aNotification('u2')], 2, null),
    });
    const store = useNotificationsStore();

    const all = store.loadList(false);
    await store.loadList(true);
    releaseAll();
    await all;
    expect(store.items.map((n) => n.id)).toEqual(['u1']);
    expect(store.nextCursor).toBe('cur-1');

    await store.loadMore();
    expect(store.items.map((n) => n.id)).toEqual(['u1', 'u2']);
    expect(store.nextCursor).toBeNull();
    await store.loadMore();
    expect(net.calls).toHaveLength(3);
  });
});
