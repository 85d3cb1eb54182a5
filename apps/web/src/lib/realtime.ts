/**
 * The one Socket.IO connection of the web app (docs/api/live.md). It connects with the in-memory
 * access token, reconnects by itself, and when the server says the token expired (or the handshake
 * is refused as expired) it refreshes the session once and re-authenticates. Booking rooms joined
 * through `joinBooking` are joined again after every reconnect or re-authentication.
 */
import { io, type Socket } from 'socket.io-client';
import { REALTIME_NAMESPACE, REALTIME_PATH, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '@walkydoggy/shared';
import { refreshOnce } from '../api/client';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = 'disconnected' | 'connecting' | 'connected';

let socket: LiveSocket | null = null;
let tokenSource: () => string | null = () => null;
const bookingRooms = new Map<string, number>();
const stateListeners = new Set<(state: ConnectionState) => void>();

function setState(state: ConnectionState) {
  for (const listener of stateListeners) listener(state);
}

function rejoinRooms(s: LiveSocket) {
  for (const bookingId of bookingRooms.keys()) s.emit('booking:join', { bookingId }, () => {});
}

async function reauthenticate(s: LiveSocket) {
  if (!(await refreshOnce())) return;
  const token = tokenSource();
  if (!token) return;
  s.emit('auth:refresh', { token }, (result) => {
    if (result.success) rejoinRooms(s);
  });
}

/** Opens the connection (idempotent); `getToken` reads the current access token. */
export function connectRealtime(getToken: () => string | null): LiveSocket {
  tokenSource = getToken;
  if (socket) return socket;
  const s: LiveSocket = io(REALTIME_NAMESPACE, {
    path: REALTIME_PATH,
    // Read on every (re)connection attempt, so a refreshed token is used.
    auth: (cb) => cb({ token: tokenSource() ?? '' }),
    transports: ['websocket', 'polling'],
    reconnectionDelayMax: 10_000,
  });
  setState('connecting');
  s.on('connect', () => {
    setState('connected');
    rejoinRooms(s);
  });
  s.on('disconnect', () => setState('disconnected'));
  s.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    setState('disconnected');
    // An expired token at the handshake: refresh, then the next automatic attempt uses the new one.
    if (err.data?.code === 'TOKEN_EXPIRED') void refreshOnce().then((ok) => ok && s.connect());
  });
  s.on('session:expired', () => void reauthenticate(s));
  socket = s;
  return s;
}

/** Closes the connection (sign-out). */
export function disconnectRealtime() {
  socket?.disconnect();
  socket = null;
  bookingRooms.clear();
  setState('disconnected');
}

export function currentSocket(): LiveSocket | null {
  return socket;
}

export function onConnectionState(listener: (state: ConnectionState) => void): () => void {
  stateListeners.add(listener);
  listener(socket?.connected ? 'connected' : socket ? 'connecting' : 'disconnected');
  return () => stateListeners.delete(listener);
}

/** Listens to a server event; returns the function that stops listening. */
export function onLive<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): () => void {
  const s = socket;
  if (!s) return () => {};
  s.on(event, listener as never);
  return () => s.off(event, listener as never);
}

/** Emits with an acknowledgement (the API's envelope); rejects when not connected within `timeoutMs`. */
export function emitWithAck<E extends keyof ClientToServerEvents>(
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = 10_000,
): Promise<Ack<unknown>> {
  const s = socket;
  if (!s) return Promise.reject(new Error('Not connected.'));
  return (s.timeout(timeoutMs) as unknown as { emitWithAck(event: string, payload: unknown): Promise<Ack<unknown>> }).emitWithAck(event, payload);
}

/** Watches a booking live: joins its room now and after every reconnect; call the result to leave. */
export function joinBooking(bookingId: string): () => void {
  bookingRooms.set(bookingId, (bookingRooms.get(bookingId) ?? 0) + 1);
  socket?.emit('booking:join', { bookingId }, () => {});
  return () => {
    const left = (bookingRooms.get(bookingId) ?? 1) - 1;
    if (left > 0) return void bookingRooms.set(bookingId, left);
    bookingRooms.delete(bookingId);
    socket?.emit('booking:leave', { bookingId }, () => {});
  };
}
