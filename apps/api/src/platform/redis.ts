import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import { ServiceUnavailable } from './errors.js';

/*
 * Redis is a cache and a fan-out here, never the source of truth (docs/api/live.md, "When Redis is
 * away"), so losing it must cost only what it adds. Every client the app talks to Redis with is made
 * or adopted here, and each gets the same three things:
 * - it fails fast: no offline queue that would make every request wait for a reconnect, in-flight
 *   commands fail when the connection drops, a command gets COMMAND_TIMEOUT_MS to answer, and
 *   reconnects back off to at most RECONNECT_MAX_MS, so a returning Redis is used again within about a
 *   second;
 * - no command's failure can become an unhandled rejection, whoever sent it and whether they wait for
 *   it or not (the Socket.IO adapter publishes without waiting: that took every instance down);
 * - it feeds one health state (`isUp`) that the fallbacks consult before trying, so that while Redis is
 *   away no request pays for a failed attempt, and whose changes are logged once each.
 */

/** The longest wait between two reconnection attempts. */
export const RECONNECT_MAX_MS = 1_000;
/** A command not answered in this time fails (a Redis that hangs rather than closes; long enough that a busy event loop is not mistaken for one). */
export const COMMAND_TIMEOUT_MS = 2_000;

const retryStrategy = (attempt: number) => Math.min(50 * 2 ** attempt, RECONNECT_MAX_MS);

/** Commands: a request must never wait for Redis to come back. */
const COMMAND_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  retryStrategy,
  connectTimeout: 2_000,
  commandTimeout: COMMAND_TIMEOUT_MS,
};
/** The subscriber only (re)subscribes, so it keeps its few commands until it is connected; ioredis subscribes again after a reconnect. */
const SUBSCRIBER_OPTIONS: RedisOptions = {
  enableOfflineQueue: true,
  maxRetriesPerRequest: null,
  autoResubscribe: true,
  retryStrategy,
  connectTimeout: 2_000,
  commandTimeout: undefined,
};

type Logger = { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };

export type RedisLink = {
  /** The client for commands (rate limits, the live index, the location limiter). */
  readonly client: Redis;
  /** A publisher and a subscriber for the Socket.IO adapter, made once. */
  pubSub(): { pub: Redis; sub: Redis };
  /** Every client is connected. Fallbacks ask this before trying Redis. */
  isUp(): boolean;
  /** Why Redis is not usable (for /readyz), or null while it is up. */
  problem(): string | null;
  /** Called with the new state each time `isUp()` changes. */
  onChange(listener: (up: boolean) => void): void;
  /** Called for each command that failed (metrics). */
  onCommandFailure(listener: () => void): void;
  /** Closes the clients made here, and the adopted one if it was made here too. */
  close(): Promise<void>;
};

/** Errors rejected by a Redis command of a link: an error handler tells them from the app's own. */
const fromRedis = new WeakSet<object>();

/** Replies that mean "not now" rather than "wrong command". */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY)\b/;

/**
 * True for the failure of a Redis command that says Redis is unusable right now (connection lost or
 * refused, timeout, loading): a route or socket event that did not handle it answers 503, not 500.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !fromRedis.has(err)) return false;
  return !(err instanceof ReplyError) || TRANSIENT_REPLY.test((err as Error).message);
}

/** The answer to such a failure (HTTP and socket acks alike); null for any other error. Redis is back within seconds. */
export function redisErrorToHttp(err: unknown): ServiceUnavailable | null {
  return isRedisUnavailable(err) ? new ServiceUnavailable('This is briefly unavailable. Try again in a few seconds.', 5) : null;
}

/** A client for REDIS_URL, failing fast; the in-process stand-ins are used without one. */
export function createRedis(url: string | null): Redis | null {
  if (!url) return null;
  return new Redis(url, { ...COMMAND_OPTIONS, lazyConnect: false });
}

/**
 * Wraps a client (made by `createRedis`, or given by a test) into the app's link to Redis. `owned`:
 * the link closes it too.
 */
export function createRedisLink(client: Redis, opts: { log: Logger; owned: boolean }): RedisLink {
  const clients = new Map<Redis, string>();
  /** Clients that lost their connection, or could not make it, since they were last ready. */
  const failed = new Set<Redis>();
  const changeListeners: ((up: boolean) => void)[] = [];
  const failureListeners: (() => void)[] = [];
  let up = false;
  let reportedDown = false;
  let downSince = 0;
  let lastError: string | null = null;
  let closing = false;
  let pair: { pub: Redis; sub: Redis } | null = null;

  function recompute() {
    if (closing) return;
    const now = [...clients.keys()].every((c) => c.status === 'ready');
    if (now !== up) {
      up = now;
      for (const listener of changeListeners) listener(now);
    }
    // Logged once each way; a client that is still making its first connection is not an outage.
    if (!now && failed.size && !reportedDown) {
      reportedDown = true;
      downSince = Date.now();
      opts.log.warn(
        { reason: problem() },
        'Redis is unavailable: rate limits count per instance, nearby workers come from PostgreSQL, live events reach only sockets on the same instance',
      );
    } else if (now && reportedDown) {
      reportedDown = false;
      opts.log.info({ downForMs: Date.now() - downSince }, 'Redis is back: shared rate limits, live index and fan-out resume');
    }
  }

  function problem(): string | null {
    if (up) return null;
    const waiting = [...clients].filter(([c]) => c.status !== 'ready').map(([c, name]) => `${name} ${c.status}`);
    return `redis: ${failed.size ? (lastError ?? 'connection lost') : 'connecting'} (${waiting.join(', ')})`;
  }

  /** Puts a client under the link: guarded commands, its state in the health, its duplicates adopted too. */
  function adopt(c: Redis, name: string): Redis {
    clients.set(c, name);
    const send = c.sendCommand.bind(c);
    // Each command's promise gets a handler before anyone else sees it: callers that await it still
    // get the rejection; callers that drop it (fire and forget) no longer crash the process.
    c.sendCommand = ((command, stream) => {
      const result = send(command, stream) as Promise<unknown>;
      result.catch((err: unknown) => {
        if (typeof err === 'object' && err !== null) fromRedis.add(err);
        for (const listener of failureListeners) listener();
      });
      return result;
    }) as Redis['sendCommand'];
    const duplicate = c.duplicate.bind(c);
    c.duplicate = ((override?: Partial<RedisOptions>) => adopt(duplicate(override), `${name}+`)) as Redis['duplicate'];
    c.on('error', (err: Error) => {
      lastError = err.message || err.name;
      failed.add(c);
      recompute();
    });
    c.on('ready', () => {
      failed.delete(c);
      recompute();
    });
    for (const event of ['close', 'end']) {
      c.on(event, () => {
        failed.add(c);
        recompute();
      });
    }
    c.on('reconnecting', recompute);
    return c;
  }

  adopt(client, 'commands');
  recompute();

  return {
    client,
    pubSub() {
      pair ??= {
        pub: adopt(new Redis({ ...client.options, ...COMMAND_OPTIONS, lazyConnect: false }), 'publish'),
        sub: adopt(new Redis({ ...client.options, ...SUBSCRIBER_OPTIONS, lazyConnect: false }), 'subscribe'),
      };
      recompute();
      return pair;
    },
    isUp: () => up,
    problem,
    onChange: (listener) => void changeListeners.push(listener),
    onCommandFailure: (listener) => void failureListeners.push(listener),
    async close() {
      closing = true;
      const ours = [...clients.keys()].filter((c) => c !== client || opts.owned);
      // QUIT needs a connection; without one (Redis away) there is nothing to say goodbye to.
      await Promise.all(
        ours.map((c) =>
          c.status === 'ready'
            ? c.quit().then(
                () => {},
                () => c.disconnect(),
              )
            : c.disconnect(),
        ),
      );
    },
  };
}
