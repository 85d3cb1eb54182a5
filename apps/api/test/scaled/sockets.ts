import { io, type Socket } from 'socket.io-client';
import { REALTIME_NAMESPACE, REALTIME_PATH, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '@walkydoggy/shared';

/** Socket helpers for the real-time tests: a client exactly as the web app connects, and waits with time limits. */

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type HandshakeRefusal = { code: string; message: string };

const opened: ClientSocket[] = [];

/** Connects to `/v1` on `baseUrl` with `token`; rejects with the refusal's `err.data` when the handshake is refused. */
export function connect(baseUrl: string, token: unknown): Promise<ClientSocket> {
  const socket: ClientSocket = io(`${baseUrl}${REALTIME_NAMESPACE}`, {
    path: REALTIME_PATH,
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  opened.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject((err as Error & { data?: HandshakeRefusal }).data ?? err);
    });
  });
}

/** The refusal of a handshake that must fail. */
export async function refusal(baseUrl: string, token: unknown): Promise<HandshakeRefusal> {
  try {
    const socket = await connect(baseUrl, token);
    socket.close();
  } catch (err) {
    return err as HandshakeRefusal;
  }
  throw new Error('the handshake was accepted');
}

export function closeAll() {
  for (const socket of opened.splice(0)) socket.close();
}

/** The next `event` on `socket` (optionally the first one `matching`), or a rejection after `ms`. */
export function next<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  ms = 5000,
  matching: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!matching(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

/** Every `event` the socket receives from now on (to assert that something did not arrive). */
export function record<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => seen.push(payload)) as never);
  return seen;
}

/** Emits a client event and resolves with its acknowledgement (any event name: tests register their own). */
export function ask<T = unknown>(socket: ClientSocket, event: string, payload: unknown, ms = 5000): Promise<Ack<T>> {
  return (socket as unknown as Socket).timeout(ms).emitWithAck(event, payload) as Promise<Ack<T>>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
