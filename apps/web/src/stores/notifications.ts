/**
 * The signed-in person's notifications: the unread count and latest few for the header bell, the
 * paginated list of the notifications page, and the live updates of both over the realtime socket.
 * `followSession` (called once by main.ts) connects the socket on sign-in and closes it on sign-out.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { NotificationView } from '@walkydoggy/shared';
import { notificationsApi } from '../api/notifications';
import { syncPushSubscription } from '../lib/push';
import { connectRealtime, disconnectRealtime, onConnectionState, onLive } from '../lib/realtime';
import { useSessionStore } from './session';

/** How many the bell's dropdown shows. */
export const RECENT_LIMIT = 10;
export const PAGE_SIZE = 20;

type LiveNotification = NotificationView & { unreadCount: number };

export const useNotificationsStore = defineStore('notifications', () => {
  const unreadCount = ref(0);
  /** The latest notifications, for the bell. */
  const recent = ref<NotificationView[]>([]);
  const recentLoaded = ref(false);
  /** The notifications page: what is listed so far, the cursor of the next page and the filter. */
  const items = ref<NotificationView[]>([]);
  const nextCursor = ref<string | null>(null);
  const unreadOnly = ref(false);
  const listLoaded = ref(false);
  /** The last notification that arrived live, shown briefly as a toast until dismissed. */
  const toast = ref<NotificationView | null>(null);
  // A late answer for an earlier filter must not replace the current one's list.
  let listGeneration = 0;

  async function loadRecent(): Promise<void> {
    const page = await notificationsApi.list({ limit: RECENT_LIMIT });
    recent.value = page.items;
    unreadCount.value = page.meta.unreadCount;
    recentLoaded.value = true;
  }

  /** The first page of the notifications page, with or without the read ones. */
  async function loadList(onlyUnread = unreadOnly.value): Promise<void> {
    const generation = ++listGeneration;
    unreadOnly.value = onlyUnread;
    const page = await notificationsApi.list({ limit: PAGE_SIZE, unread: onlyUnread });
    if (generation !== listGeneration) return;
    items.value = page.items;
    nextCursor.value = page.meta.nextCursor;
    unreadCount.value = page.meta.unreadCount;
    listLoaded.value = true;
  }

  async function loadMore(): Promise<void> {
    if (!nextCursor.value) return;
    const generation = listGeneration;
    const page = await notificationsApi.list({ limit: PAGE_SIZE, cursor: nextCursor.value, unread: unreadOnly.value });
    if (generation !== listGeneration) return;
    // A notification that arrived live meanwhile may shift one already listed onto this page.
    const known = new Set(items.value.map((n) => n.id));
    items.value = [...items.value, ...page.items.filter((n) => !known.has(n.id))];
    nextCursor.value = page.meta.nextCursor;
    unreadCount.value = page.meta.unreadCount;
  }

  /** Every listed copy of a notification (bell and page) gets `change`. */
  function update(id: string, change: (n: NotificationView) => NotificationView) {
    recent.value = recent.value.map((n) => (n.id === id ? change(n) : n));
    items.value = items.value.map((n) => (n.id === id ? change(n) : n));
  }

  function isUnread(id: string): boolean {
    return [...recent.value, ...items.value].some((n) => n.id === id && !n.read);
  }

  /*
   * The changes below show at once and the count moves with them; the server then pushes the real
   * count (`notification:count`), which simply replaces ours whichever arrives first.
   */
  async function markRead(id: string): Promise<void> {
    if (!isUnread(id)) return;
    const readAt = new Date().toISOString();
    update(id, (n) => ({ ...n, read: true, readAt }));
    unreadCount.value = Math.max(0, unreadCount.value - 1);
    try {
      const { data } = await notificationsApi.markRead(id);
      if (data) update(id, () => data);
    } catch (err) {
      update(id, (n) => ({ ...n, read: false, readAt: null }));
      unreadCount.value += 1;
      throw err;
    }
  }

  async function markAllRead(): Promise<void> {
    const before = { recent: recent.value, items: items.value, count: unreadCount.value };
    const readAt = new Date().toISOString();
    const markAll = (list: NotificationView[]) => list.map((n) => (n.read ? n : { ...n, read: true, readAt }));
    recent.value = markAll(recent.value);
    items.value = markAll(items.value);
    unreadCount.value = 0;
    try {
      await notificationsApi.markAllRead();
    } catch (err) {
      recent.value = before.recent;
      items.value = before.items;
      unreadCount.value = before.count;
      throw err;
    }
  }

  async function remove(id: string): Promise<void> {
    const before = { recent: recent.value, items: items.value, count: unreadCount.value };
    if (isUnread(id)) unreadCount.value = Math.max(0, unreadCount.value - 1);
    recent.value = recent.value.filter((n) => n.id !== id);
    items.value = items.value.filter((n) => n.id !== id);
    try {
      await notificationsApi.remove(id);
    } catch (err) {
      recent.value = before.recent;
      items.value = before.items;
      unreadCount.value = before.count;
      throw err;
    }
    // The bell keeps showing RECENT_LIMIT when there are more.
    if (recent.value.length < before.recent.length && before.recent.length >= RECENT_LIMIT) void loadRecent().catch(() => undefined);
  }

  /** `notification:new`: a new one on top of both lists, the server's count, and a toast. */
  function receive({ unreadCount: count, ...notification }: LiveNotification): void {
    unreadCount.value = count;
    recent.value = [notification, ...recent.value.filter((n) => n.id !== notification.id)].slice(0, RECENT_LIMIT);
    if (listLoaded.value) items.value = [notification, ...items.value.filter((n) => n.id !== notification.id)];
    toast.value = notification;
  }

  function dismissToast(): void {
    toast.value = null;
  }

  function reset(): void {
    listGeneration++;
    unreadCount.value = 0;
    recent.value = [];
    recentLoaded.value = false;
    items.value = [];
    nextCursor.value = null;
    unreadOnly.value = false;
    listLoaded.value = false;
    toast.value = null;
  }

  let stopLive: (() => void) | null = null;

  function startLive(getToken: () => string | null): void {
    connectRealtime(getToken);
    const offNew = onLive('notification:new', receive);
    const offCount = onLive('notification:count', ({ unreadCount: count }) => {
      unreadCount.value = count;
    });
    // Events sent while the socket was down are lost: catch up after every reconnection.
    let wasDown = false;
    const offState = onConnectionState((state) => {
      if (state === 'disconnected') wasDown = true;
      else if (state === 'connected' && wasDown) {
        wasDown = false;
        void loadRecent().catch(() => undefined);
      }
    });
    stopLive = () => {
      offNew();
      offCount();
      offState();
    };
    void loadRecent().catch(() => undefined);
    void syncPushSubscription().catch(() => undefined);
  }

  function stopFollowing(): void {
    stopLive?.();
    stopLive = null;
    disconnectRealtime();
    reset();
  }

  let following = false;
  /** Keeps the socket and the notifications in step with who is signed in (once, at start-up). */
  function followSession(): void {
    if (following) return;
    following = true;
    const session = useSessionStore();
    watch(
      () => (session.isSignedIn ? (session.user?.id ?? null) : null),
      (userId, previous) => {
        if (previous) stopFollowing();
        if (userId) startLive(() => session.accessToken);
      },
      { immediate: true },
    );
  }

  return {
    unreadCount,
    recent,
    recentLoaded,
    items,
    nextCursor,
    unreadOnly,
    listLoaded,
    toast,
    loadRecent,
    loadList,
    loadMore,
    markRead,
    markAllRead,
    remove,
    receive,
    dismissToast,
    reset,
    followSession,
  };
});
