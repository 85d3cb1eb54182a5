import { createRequire } from 'node:module';
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { RedisLink } from './redis.js';

/*
 * The store of @fastify/rate-limit's limits (the global one, the stricter auth routes', every route's
 * own and `createRateLimit` limiters): the plugin's Redis store while Redis is up, so that all
 * instances count together; this instance's in-memory store while it is not, so that a Redis outage
 * neither fails requests nor lifts the limits. A request whose Redis count fails is counted in memory
 * instead. The counts do not move between the two: after an outage Redis resumes from what it had.
 */

type Result = { current: number; ttl: number };
type Callback = (err: Error | null, result?: Result) => void;
type Count = (key: string, callback: Callback, timeWindow: number, max: number) => void;
type Store = { incr: Count; read: Count; child(routeOptions: object): Store };
type StoreParams = { continueExceeding: boolean; exponentialBackoff: boolean };

// The plugin's own stores (CommonJS, untyped): the same Lua script and key layout as its `redis` option.
const require = createRequire(import.meta.url);
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key: string,
) => Store;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean) => Store;

class FallbackStore implements Store {
  constructor(
    private readonly shared: Store,
    private readonly local: Store,
    private readonly link: Pick<RedisLink, 'isUp'>,
  ) {}

  incr(key: string, callback: Callback, timeWindow: number, max: number) {
    this.count('incr', key, callback, timeWindow, max);
  }

  read(key: string, callback: Callback, timeWindow: number, max: number) {
    this.count('read', key, callback, timeWindow, max);
  }

  private count(method: 'incr' | 'read', key: string, callback: Callback, timeWindow: number, max: number) {
    if (!this.link.isUp()) return this.local[method](key, callback, timeWindow, max);
    this.shared[method](key, (err, result) => (err ? this.local[method](key, callback, timeWindow, max) : callback(null, result)), timeWindow, max);
  }

  child(routeOptions: object): Store {
    return new FallbackStore(this.shared.child(routeOptions), this.local.child(routeOptions), this.link);
  }
}

/** The `store` option of @fastify/rate-limit: Redis under `nameSpace` while it is up, memory while it is not. */
export function fallbackRateLimitStore(link: RedisLink, nameSpace: string): FastifyRateLimitStoreCtor {
  return class extends FallbackStore {
    constructor(params: object) {
      const { continueExceeding, exponentialBackoff } = params as StoreParams;
      super(new RedisStore(continueExceeding, exponentialBackoff, link.client, nameSpace), new LocalStore(continueExceeding, exponentialBackoff), link);
    }
  } as unknown as FastifyRateLimitStoreCtor;
}
