/**
 * For tests only: a stand-in for lib/realtime.ts (jsdom has no Socket.IO server). Use with
 * `vi.mock('…/lib/realtime', async () => (await import('…/components/tracking/fakeRealtime')).fakeRealtimeModule())`
 * and drive it through `fakeRealtime`: deliver server events, change the connection state, answer emits.
 */
import type { Ack, ServerToClientEvents } from '@walkydoggy/shared';
import type { ConnectionState } from '../../lib/realtime';

type Emitted = { event: string; payload: unknown };

export const fakeRealtime = {
  state: 'disconnected' as ConnectionState,
  listeners: new Map<string, Set<(payload: never) => void>>(),
  stateListeners: new Set<(state: ConnectionState) => void>(),
  joined: [] as string[],
  left: [] as string[],
  emitted: [] as Emitted[],
  tokens: [] as (string | null)[],
  /** How the "server" answers an emit; reject to act like a timeout. */
  answer: async (_event: string, _payload: unknown): Promise<Ack<unknown>> => ({ success: true, data: { accepted: true, recorded: true } }),
  reset() {
    this.state = 'disconnected';
    this.listeners.clear();
    this.stateListeners.clear();
    this.joined = [];
    this.left = [];
    this.emitted = [];
    this.tokens = [];
    this.answer = async () => ({ success: true, data: { accepted: true, recorded: true } });
  },
  /** A server event reaching the page. */
  deliver<E extends keyof ServerToClientEvents>(event: E, payload: Parameters<ServerToClientEvents[E]>[0]) {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: unknown) => void)(payload);
  },
  setState(state: ConnectionState) {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  },
  listening(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  },
};

export function fakeRealtimeModule() {
  const f = fakeRealtime;
  return {
    connectRealtime: (getToken: () => string | null) => {
      f.tokens.push(getToken());
      if (f.state === 'disconnected') f.setState('connected');
      return {};
    },
    disconnectRealtime: () => f.setState('disconnected'),
    currentSocket: () => (f.state === 'connected' ? {} : null),
    onConnectionState: (listener: (state: ConnectionState) => void) => {
      f.stateListeners.add(listener);
      listener(f.state);
      return () => f.stateListeners.delete(listener);
    },
    onLive: (event: string, listener: (payload: never) => void) => {
      if (!f.listeners.has(event)) f.listeners.set(event, new Set());
      f.listeners.get(event)!.add(listener);
      return () => f.listeners.get(event)?.delete(listener);
    },
    emitWithAck: (event: string, payload: unknown) => {
      f.emitted.push({ event, payload });
      if (f.state !== 'connected') return Promise.reject(new Error('Not connected.'));
      return f.answer(event, payload);
    },
    joinBooking: (bookingId: string) => {
      f.joined.push(bookingId);
      return () => f.left.push(bookingId);
    },
  };
}
