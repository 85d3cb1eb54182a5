/** Notifications as docs/api/live.md describes them, and a stand-in for the realtime socket module. */
import type { NotificationView, ServerToClientEvents } from '@walkydoggy/shared';
import type { ConnectionState } from '../../lib/realtime';

export function aNotification(id: string, overrides: Partial<NotificationView> = {}): NotificationView {
  return {
    id,
    type: 'booking.confirmed',
    title: `Notification ${id}`,
    message: `Message of ${id}`,
    data: { bookingId: 'b1', link: `/bookings/${id}` },
    read: false,
    readAt: null,
    createdAt: '2025-06-02T07:00:00.000Z',
    ...overrides,
  };
}

export const page = (items: NotificationView[], unreadCount: number, nextCursor: string | null = null, limit = 20) => ({
  status: 200,
  body: { success: true, data: items, meta: { limit, nextCursor, unreadCount } },
});

/**
 * What `vi.mock('../lib/realtime', () => fakeRealtime)` hands the store: it records connects and
 * lets a test play the server's events (`emit`) and connection changes (`setState`).
 */
export function createFakeRealtime() {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const fake = {
    connected: 0,
    disconnected: 0,
    token: null as null | (() => string | null),
    connectRealtime(getToken: () => string | null) {
      fake.connected++;
      fake.token = getToken;
    },
    disconnectRealtime() {
      fake.disconnected++;
    },
    onLive(event: string, listener: (payload: never) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    onConnectionState(listener: (state: ConnectionState) => void) {
      stateListeners.add(listener);
      listener('connecting');
      return () => stateListeners.delete(listener);
    },
    emit<E extends keyof ServerToClientEvents>(event: E, payload: Parameters<ServerToClientEvents[E]>[0]) {
      for (const listener of listeners.get(event) ?? []) (listener as (p: unknown) => void)(payload);
    },
    setState(state: ConnectionState) {
      for (const listener of stateListeners) listener(state);
    },
    listenerCount: (event: string) => listeners.get(event)?.size ?? 0,
    reset() {
      listeners.clear();
      stateListeners.clear();
      fake.connected = 0;
      fake.disconnected = 0;
      fake.token = null;
    },
  };
  return fake;
}
