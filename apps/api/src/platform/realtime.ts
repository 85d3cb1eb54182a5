import { and, eq, inArray, isNull } from 'drizzle-orm';
import { Server, type Namespace, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { businesses, refreshTokens, users, workers } from '@walkydoggy/shared/db';
import {
  REALTIME_NAMESPACE,
  REALTIME_PATH,
  rooms,
  type Ack,
  type ClientToServerEvents,
  type ErrorEnvelope,
  type Role,
  type ServerToClientEvents,
} from '@walkydoggy/shared';
import { sessionIsLive, verifyAccessToken, type AccessToken } from './auth-guard.js';
import type { Config } from './config.js';
import type { Db } from './db.js';
import { AppError, Unauthorized } from './errors.js';
import { parseInput } from './validation.js';
import { isRedisUnavailable, redisErrorToHttp, type RedisLink } from './redis.js';

/*
 * Socket.IO on the API's HTTP server (docs/api/live.md). A socket authenticates with the access token
 * in its handshake and joins its user's room (and, for a business owner, the rooms of their
 * businesses). When the token expires the socket leaves every room until `auth:refresh` brings a new
 * one. With Redis configured, the Redis adapter makes several API instances one: a broadcast on one
 * reaches sockets on all, and `serverSideEmit` tells the other instances things (cache invalidation).
 * While Redis is away a broadcast still reaches the sockets of its own instance (the adapter's publish
 * fails quietly, platform/redis.ts), and caches kept fresh by server events stop trusting themselves
 * (`serverEventsDelivered`, `onServerEventsLost`).
 * Modules add client events with `handle`; every acknowledgement uses the HTTP envelope.
 */

export type SocketUser = {
  id: string;
  role: Role;
  /** Businesses the user owns (their managers' rooms). */
  businessIds: string[];
  /** The user's active worker record, for worker accounts. */
  worker: { id: string; businessId: string } | null;
};
/**
 * `accountId` outlives `user`: after expiry only a token of the same account may sign the socket in again.
 * `session` is the session (refresh-token family) of the token the socket signed in with.
 */
type SocketData = {
  user: SocketUser | null;
  accountId: string;
  session: string;
  /** The claims the socket signed in with: its account is read again with them when it changes. */
  claims: AccessToken | null;
  expiresAt: number;
  expiryTimer: NodeJS.Timeout | null;
};
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type ServerEvents = Record<string, (...args: unknown[]) => void>;

type Emit = <E extends keyof ServerToClientEvents>(room: string, event: E, ...args: Parameters<ServerToClientEvents[E]>) => void;
/** A client event's handler: returns the ack's data; thrown AppErrors become the error envelope. */
export type ClientHandler = (socket: LiveSocket, user: SocketUser, payload: unknown) => Promise<unknown>;

export type Realtime = {
  toUser<E extends keyof ServerToClientEvents>(userId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  toBooking<E extends keyof ServerToClientEvents>(bookingId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  toBusiness<E extends keyof ServerToClientEvents>(businessId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  /**
   * Signs out, on every instance, the sockets signed in with a token of these sessions (refresh-token
   * families just revoked): they leave every room and are told `session:expired`, as on expiry.
   */
  endSessions(sessionIds: string[]): void;
  /**
   * The accounts changed in a way their sockets must follow (deleted, a worker post removed, a business
   * gained or lost): their sockets on every instance read the account again, leave the rooms it no
   * longer opens, and are signed out when it is no longer active.
   */
  accountsChanged(userIds: string[]): void;
  /** Empties a booking's room on every instance (the live view ends at completion). */
  closeBookingRoom(bookingId: string): void;
  /** Registers the handler of a client event for authenticated sockets. */
  handle(event: keyof ClientToServerEvents, handler: ClientHandler): void;
  /** Tells every instance, this one included, `event` (cache invalidation and the like). */
  broadcastServer(event: string, payload: unknown): void;
  onServer(event: string, listener: (payload: unknown) => void): void;
  /**
   * False while other instances' server events may be lost (Redis away): what they keep fresh may be
   * stale, so read it from the database instead. Always true for a lone instance.
   */
  serverEventsDelivered(): boolean;
  /** Called when server events may have been missed (Redis went away, or came back): drop what they keep fresh. */
  onServerEventsLost(listener: () => void): void;
  /** Connected sockets on this instance (metrics, benchmarks). */
  localSockets(): number;
  namespace: Namespace<ClientToServerEvents, ServerToClientEvents, ServerEvents, SocketData>;
};

/** The ack for a thrown error: the same envelope an HTTP route would answer with. */
export function errorAck(err: unknown): ErrorEnvelope {
  err = redisErrorToHttp(err) ?? err;
  if (err instanceof AppError)
    return { success: false, error: { code: err.code, message: err.message, ...(err.details?.length ? { details: err.details } : {}) } };
  return { success: false, error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' } };
}

/** Parses a socket payload with a Zod schema; invalid input is a ValidationFailed with `payload.*` paths, as HTTP's `body.*`. */
export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown): z.infer<T> {
  return parseInput(schema, payload, 'payload');
}

export function createRealtime(app: FastifyInstance, deps: { config: Config; db: Db; redis: RedisLink | null }): Realtime {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, ServerEvents, SocketData>(app.server, {
    path: REALTIME_PATH,
    serveClient: false,
    cors: { origin: deps.config.corsOrigins, credentials: true },
    // Clients reconnect by themselves; missed location points are in GET /v1/bookings/:id/tracking.
    pingInterval: 25_000,
    pingTimeout: 20_000,
    maxHttpBufferSize: 64 * 1024,
  });
  const link = deps.redis;
  if (link) {
    const { pub, sub } = link.pubSub();
    io.adapter(createAdapter(pub, sub, { key: 'wd-io' }));
  }
  const nsp = io.of(REALTIME_NAMESPACE);
  const handlers = new Map<string, ClientHandler>();
  const serverListeners = new Map<string, ((payload: unknown) => void)[]>();
  const lostListeners: (() => void)[] = [];
  link?.onChange(() => {
    for (const listener of lostListeners) listener();
  });

  const verify = (token: unknown) => verifyAccessToken(app, token, deps.config.accessTokenSeconds);

  /** The account behind a token, as the HTTP guard checks it: exists, active, neither all its sessions nor this one revoked. */
  async function userOf(claims: AccessToken): Promise<SocketUser> {
    const [user] = await deps.db
      .select({ id: users.id, role: users.role, status: users.status, sv: users.sessionVersion, live: sessionIsLive(claims.sid) })
      .from(users)
      .where(eq(users.id, claims.sub));
    if (!user || user.status !== 'active' || user.sv !== claims.sv || !user.live)
      throw new Unauthorized('Your session has ended. Sign in again.', 'TOKEN_INVALID');
    const owned =
      user.role === 'business'
        ? await deps.db
            .select({ id: businesses.id })
            .from(businesses)
            .where(and(eq(businesses.ownerId, user.id), isNull(businesses.deletedAt)))
        : [];
    const [worker] =
      user.role === 'worker'
        ? await deps.db
            .select({ id: workers.id, businessId: workers.businessId })
            .from(workers)
            .where(and(eq(workers.userId, user.id), eq(workers.status, 'active')))
        : [];
    return { id: user.id, role: user.role, businessIds: owned.map((b) => b.id), worker: worker ?? null };
  }

  function signIn(socket: LiveSocket, user: SocketUser, claims: AccessToken) {
    socket.data.user = user;
    socket.data.accountId = user.id;
    socket.data.session = claims.sid;
    socket.data.claims = claims;
    socket.data.expiresAt = claims.exp * 1000;
    void socket.join([rooms.user(user.id), ...user.businessIds.map(rooms.business)]);
    if (socket.data.expiryTimer) clearTimeout(socket.data.expiryTimer);
    // setTimeout's limit is ~24.8 days; access tokens live 15 minutes.
    socket.data.expiryTimer = setTimeout(() => expire(socket), Math.max(0, Math.min(socket.data.expiresAt - Date.now(), 2 ** 31 - 1)));
    socket.data.expiryTimer.unref();
  }

  /** The token ran out or its session ended: leave every room (no more notifications, locations) until `auth:refresh`. */
  function expire(socket: LiveSocket, reason: 'expired' | 'ended' = 'expired') {
    socket.data.user = null;
    if (socket.data.expiryTimer) clearTimeout(socket.data.expiryTimer);
    socket.data.expiryTimer = null;
    for (const room of [...socket.rooms]) if (room !== socket.id) void socket.leave(room);
    socket.emit('session:expired', { at: new Date().toISOString(), reason });
  }

  /** Signs out this instance's sockets of sessions just ended (by `endSessions` here or on another instance). */
  const SESSIONS_ENDED = 'sessions:ended';
  function endLocalSessions(sessionIds: unknown) {
    const ended = new Set(sessionIds as string[]);
    for (const socket of nsp.sockets.values()) if (socket.data.user && ended.has(socket.data.session)) expire(socket, 'ended');
  }
  serverListeners.set(SESSIONS_ENDED, [endLocalSessions]);

  const ACCOUNTS_CHANGED = 'accounts:changed';
  /** This instance's sockets of `userIds` read their account again (see `accountsChanged`). */
  async function refreshLocalAccounts(userIds: unknown) {
    const ids = new Set(userIds as string[]);
    for (const socket of nsp.sockets.values()) {
      const before = socket.data.user;
      if (!before || !ids.has(before.id) || !socket.data.claims) continue;
      let after: SocketUser;
      try {
        after = await userOf(socket.data.claims);
      } catch {
        expire(socket, 'ended');
        continue;
      }
      socket.data.user = after;
      const opened = new Set([rooms.user(after.id), ...after.businessIds.map(rooms.business)]);
      const workerChanged = before.worker?.id !== after.worker?.id;
      for (const room of [...socket.rooms]) {
        if (room === socket.id || opened.has(room)) continue;
        // A business room the account no longer owns; a walk's room once its worker post changed (joined again on request).
        if (room.startsWith('business:') || (workerChanged && room.startsWith('booking:'))) void socket.leave(room);
      }
      void socket.join([...opened]);
    }
  }
  serverListeners.set(ACCOUNTS_CHANGED, [
    (ids) => void refreshLocalAccounts(ids).catch((err: unknown) => app.log.error({ err }, 'could not read the accounts of sockets again')),
  ]);
  /** Sessions ended here while Redis was away: told to the other instances once it is back. */
  const untold = new Set<string>();
  /** The sessions of this instance's signed-in sockets that are no longer open, by the database. */
  async function endClosedLocalSessions() {
    const local = [...new Set([...nsp.sockets.values()].filter((s) => s.data.user).map((s) => s.data.session))];
    for (let i = 0; i < local.length; i += 1000) {
      const part = local.slice(i, i + 1000);
      const open = await deps.db
        .selectDistinct({ id: refreshTokens.familyId })
        .from(refreshTokens)
        .where(and(inArray(refreshTokens.familyId, part), isNull(refreshTokens.revokedAt)));
      const live = new Set(open.map((r) => r.id));
      endLocalSessions(part.filter((id) => !live.has(id)));
    }
  }
  // Back from an outage, other instances' `endSessions` of meanwhile may never have come: ask the database.
  link?.onChange((up) => {
    if (!up) return;
    if (untold.size) nsp.serverSideEmit('wd:server', SESSIONS_ENDED, [...untold]);
    untold.clear();
    endClosedLocalSessions().catch((err: unknown) => app.log.error({ err }, 'could not check the sessions of the sockets after Redis came back'));
  });

  nsp.use(async (socket, next) => {
    try {
      const claims = verify((socket.handshake.auth as { token?: unknown } | undefined)?.token);
      const user = await userOf(claims);
      socket.data.expiryTimer = null;
      signIn(socket, user, claims);
      next();
    } catch (err) {
      const ack = errorAck(err);
      next(Object.assign(new Error(ack.error.message), { data: ack.error }));
    }
  });

  nsp.on('connection', (socket) => {
    socket.on('disconnect', () => {
      if (socket.data.expiryTimer) clearTimeout(socket.data.expiryTimer);
    });
    socket.on('auth:refresh', async (payload, ack) => {
      try {
        const claims = verify((payload as { token?: unknown } | null)?.token);
        if (socket.data.accountId !== claims.sub) throw new Unauthorized('That token belongs to another account.', 'TOKEN_INVALID');
        const user = await userOf(claims);
        signIn(socket, user, claims);
        ack?.({ success: true, data: { expiresAt: new Date(socket.data.expiresAt).toISOString() } });
      } catch (err) {
        ack?.(errorAck(err));
      }
    });
    for (const [event, handler] of handlers) {
      (socket as unknown as Socket).on(event, async (payload: unknown, ack?: (result: Ack<unknown>) => void) => {
        const reply = typeof ack === 'function' ? ack : () => {};
        const user = socket.data.user;
        if (!user) return reply(errorAck(new Unauthorized('Your session has expired.', 'TOKEN_EXPIRED')));
        try {
          const data = await handler(socket, user, payload);
          reply({ success: true, data: data ?? null });
        } catch (err) {
          if (!(err instanceof AppError) && !isRedisUnavailable(err)) app.log.error({ err, event }, 'socket event handler failed');
          reply(errorAck(err));
        }
      });
    }
  });

  nsp.on(
    'wd:server' as never,
    ((event: string, payload: unknown) => {
      for (const listener of serverListeners.get(event) ?? []) listener(payload);
    }) as never,
  );

  const emit: Emit = (room, event, ...args) => {
    nsp.to(room).emit(event, ...args);
  };

  app.addHook('preClose', async () => {
    nsp.local.disconnectSockets(true);
    // Fastify's HTTP server closes only when every connection is gone, upgraded ones included: a
    // socket still in its handshake (not in the namespace yet) or a WebSocket close handshake waiting
    // on a slow or vanished peer (ws waits 30 s) would hold app.close(). Drop them all at once.
    const clients = (io.engine as unknown as { clients: Record<string, { transport: unknown; close(discard: boolean): void }> }).clients;
    for (const client of Object.values(clients)) {
      (client.transport as { socket?: { terminate?(): void } }).socket?.terminate?.();
      client.close(true);
    }
    // Not io.close(): that would also close Fastify's HTTP server, which Fastify closes itself.
    io.engine.close();
  });

  return {
    toUser: (userId, event, ...args) => emit(rooms.user(userId), event, ...args),
    endSessions(sessionIds) {
      if (!sessionIds.length) return;
      endLocalSessions(sessionIds);
      if (link?.isUp()) nsp.serverSideEmit('wd:server', SESSIONS_ENDED, sessionIds);
      else if (link) for (const id of sessionIds) untold.add(id);
    },
    accountsChanged(userIds) {
      if (!userIds.length) return;
      for (const listener of serverListeners.get(ACCOUNTS_CHANGED) ?? []) listener(userIds);
      if (link?.isUp()) nsp.serverSideEmit('wd:server', ACCOUNTS_CHANGED, userIds);
    },
    toBooking: (bookingId, event, ...args) => emit(rooms.booking(bookingId), event, ...args),
    toBusiness: (businessId, event, ...args) => emit(rooms.business(businessId), event, ...args),
    closeBookingRoom(bookingId) {
      const room = rooms.booking(bookingId);
      // The Redis adapter empties rooms only through Redis, this instance's included: do this one directly.
      nsp.local.in(room).socketsLeave(room);
      nsp.in(room).socketsLeave(room);
    },
    handle(event, handler) {
      handlers.set(event, handler);
    },
    broadcastServer(event, payload) {
      for (const listener of serverListeners.get(event) ?? []) listener(payload);
      // Other instances only (serverSideEmit does not reach the sender); a lone instance has none.
      if (link) nsp.serverSideEmit('wd:server', event, payload);
    },
    onServer(event, listener) {
      serverListeners.set(event, [...(serverListeners.get(event) ?? []), listener]);
    },
    serverEventsDelivered: () => !link || link.isUp(),
    onServerEventsLost(listener) {
      lostListeners.push(listener);
    },
    localSockets: () => nsp.sockets.size,
    namespace: nsp,
  };
}
