import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from './config.js';
import type { RedisLink } from './redis.js';
import { NotFound, Unauthorized } from './errors.js';

/** The timer's period: a stall is the time it fired late. */
const STALL_TICK_MS = 20;
/** Lateness below this is scheduling noise, not a stall worth counting. */
const STALL_MIN_MS = 50;

/**
 * Event-loop stalls as a histogram that accumulates between scrapes: a timer that should fire every
 * STALL_TICK_MS records how late it was whenever that is at least STALL_MIN_MS. (prom-client's own
 * `nodejs_eventloop_lag_*` gauges are reset at each scrape and only say what the last interval saw.)
 * A request that blocks the loop shows up here as one observation of its length.
 */
function watchStalls(registry: Registry) {
  const stalls = new Histogram({
    name: 'nodejs_eventloop_stall_seconds',
    help: `Event-loop stalls of at least ${STALL_MIN_MS} ms (how late a ${STALL_TICK_MS} ms timer fired)`,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  let expected = performance.now() + STALL_TICK_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - expected;
    if (late >= STALL_MIN_MS) stalls.observe(late / 1000);
    expected = now + STALL_TICK_MS;
  }, STALL_TICK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Redis health (platform/redis.ts): up or not, and how many commands failed (each fell back or answered 503). */
function watchRedis(registry: Registry, redis: RedisLink) {
  new Gauge({
    name: 'redis_up',
    help: '1 while every Redis connection of this instance is ready; 0 while it runs on its fallbacks',
    registers: [registry],
    collect() {
      this.set(redis.isUp() ? 1 : 0);
    },
  });
  const failures = new Counter({
    name: 'redis_command_failures_total',
    help: 'Redis commands that failed (each one fell back or answered 503)',
    registers: [registry],
  });
  redis.onCommandFailure(() => failures.inc());
}

/**
 * Prometheus metrics at /metrics: request counts and latency per route, event-loop stalls, Redis
 * health (with REDIS_URL), process metrics. With METRICS_TOKEN set the endpoint needs `Authorization: Bearer <token>`; in production
 * it is off (404) unless a token is set, so the public port never shows it to anyone.
 */
export function registerMetrics(app: FastifyInstance, config: Pick<Config, 'env' | 'metricsToken'>, deps: { redis: RedisLink | null }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  if (deps.redis) watchRedis(registry, deps.redis);
  const stopWatching = watchStalls(registry);
  app.addHook('onClose', async () => stopWatching());
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the raw URL, keeps the label set bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    const labels = { method: request.method, route, status_code: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });

  const token = config.metricsToken ? Buffer.from(config.metricsToken) : null;
  const enabled = token !== null || config.env !== 'production';
  if (!enabled) app.log.warn('/metrics is off: set METRICS_TOKEN to read it in production');
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (request, reply) => {
    if (!enabled) throw new NotFound('Route');
    if (token) {
      const header = request.headers.authorization ?? '';
      const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
      if (given.length !== token.length || !crypto.timingSafeEqual(given, token)) throw new Unauthorized('This needs the metrics token.');
    }
    reply.type(registry.contentType);
    return registry.metrics();
  });
  return registry;
}
