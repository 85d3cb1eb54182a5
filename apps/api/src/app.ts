import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { serializerCompiler, jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { validatorCompiler } from './platform/validation.js';
import fastifyCookie from '@fastify/cookie';
import fastifyJwt from '@fastify/jwt';
import fastifyHelmet from '@fastify/helmet';
import fastifyCors from '@fastify/cors';
import fastifyCompress from '@fastify/compress';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { Config } from './platform/config.js';
import { createPlatform, type AppDeps, type Platform } from './platform/platform.js';
import { mailJobHandler } from './platform/mail.js';
import { notificationsModule } from './modules/notifications/notifications.routes.js';
import { registerNotificationJobs } from './modules/notifications/notifications.jobs.js';
import { createTracks } from './modules/tracking/track.service.js';
import { trackingModule } from './modules/tracking/tracking.routes.js';
import { registerTrackingJobs } from './modules/tracking/tracking.jobs.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandling, envelope } from './platform/http-errors.js';
import { TooManyRequests } from './platform/errors.js';
import { registerMetrics } from './platform/metrics.js';
import { fallbackRateLimitStore } from './platform/rate-limit-store.js';
import { healthModule } from './modules/health/health.routes.js';
import { authModule } from './modules/auth/auth.routes.js';
import { usersModule } from './modules/users/users.routes.js';
import { adminModule } from './modules/admin/admin.routes.js';
import { eraseUserJob } from './modules/users/users.service.js';
import { petsModule } from './modules/pets/pets.routes.js';
import { mediaModule } from './modules/media/media.routes.js';
import { businessesModule } from './modules/businesses/businesses.routes.js';
import { workersModule } from './modules/workers/workers.routes.js';
import { servicesModule } from './modules/services/services.routes.js';
import { searchModule } from './modules/search/search.routes.js';
import { geocodeModule } from './modules/geocode/geocode.routes.js';
import { calendarsModule } from './modules/calendars/calendars.routes.js';
import { availabilityModule } from './modules/availability/availability.routes.js';
import { paymentsModule } from './modules/payments/payments.routes.js';
import { registerPaymentJobs } from './modules/payments/payments.jobs.js';
import { bookingsModule } from './modules/bookings/bookings.routes.js';
import { createBookingPayments } from './modules/payments/payments.bookings.js';

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            serializers: {
              // Media links carry `?access_token=` for <img> tags: keep tokens out of the logs.
              req: (req: { method: string; url: string; ip?: string }) => ({
                method: req.method,
                url: req.url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]'),
                ip: req.ip,
              }),
            },
            // Human-readable on a terminal, JSON lines everywhere else.
            ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
          },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.:-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // While shutting down, answers to in-flight requests end their keep-alive connection; otherwise
  // the server would wait for each client's keep-alive timeout before it could close.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  await app.register(fastifyJwt, { secret: config.jwtSecret, sign: { algorithm: 'HS256' }, verify: { algorithms: ['HS256'] } });
  const platform = await createPlatform(app, config, deps);

  // A map style on plain http (a tile server on the local network) must be reachable too; https is already.
  const mapOrigin = config.mapStyleUrl?.startsWith('http:') ? [new URL(config.mapStyleUrl).origin] : [];
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:', ...mapOrigin],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:', 'https:', ...mapOrigin],
        workerSrc: ["'self'", 'blob:'],
        upgradeInsecureRequests: null,
      },
    },
    hsts: config.env === 'production',
  });
  await app.register(fastifyCors, { origin: config.corsOrigins, credentials: true });
  await app.register(fastifyCompress, { threshold: 1024 });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: true,
    max: config.rateLimit.max,
    timeWindow: '1 minute',
    // Shared by all instances through Redis, per instance while Redis is away (platform/rate-limit-store.ts).
    ...(platform.redis ? { store: fallbackRateLimitStore(platform.redis, 'wd-rl:') } : {}),
    allowList: (request) => ['/healthz', '/readyz', '/metrics'].includes(request.url),
    errorResponseBuilder: (_request, context) =>
      new TooManyRequests(`Too many requests. Try again in ${Math.ceil(context.ttl / 1000)} seconds.`, context.ttl / 1000),
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'WalkyDoggy API',
        version: '1.0.0',
        description: 'Pet-care services marketplace. Every response uses the `{success, data|error}` envelope.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  registerMetrics(app, config, platform);

  await app.register(healthModule(platform));
  await app.register(authModule(platform), { prefix: '/v1' });
  await app.register(usersModule(platform), { prefix: '/v1' });
  await app.register(adminModule(platform), { prefix: '/v1' });
  await app.register(mediaModule(platform), { prefix: '/v1' });
  await app.register(petsModule(platform), { prefix: '/v1' });
  await app.register(businessesModule(platform), { prefix: '/v1' });
  await app.register(workersModule(platform), { prefix: '/v1' });
  await app.register(servicesModule(platform), { prefix: '/v1' });
  await app.register(searchModule(platform), { prefix: '/v1' });
  await app.register(geocodeModule(platform), { prefix: '/v1' });
  await app.register(paymentsModule(platform), { prefix: '/v1' });
  await app.register(calendarsModule(platform), { prefix: '/v1' });
  await app.register(availabilityModule(platform), { prefix: '/v1' });
  const tracks = createTracks(platform);
  await app.register(notificationsModule(platform), { prefix: '/v1' });
  await app.register(trackingModule(platform, tracks), { prefix: '/v1' });
  await app.register(bookingsModule({ ...platform, payments: createBookingPayments(platform), tracks }), { prefix: '/v1' });

  platform.queue.handle('mail.send', mailJobHandler(platform.mailer));
  platform.queue.handle('user.erase', eraseUserJob(platform));
  registerPaymentJobs(platform);
  registerNotificationJobs(app, platform);
  registerTrackingJobs(app, platform, tracks);

  const webDist = config.webDist;
  if (webDist) await app.register(fastifyStatic, { root: webDist, wildcard: false, setHeaders: immutableAssets });
  app.setNotFoundHandler((request, reply) => {
    // Client-side routes of the web app get its index page; API paths get the JSON envelope.
    if (webDist && request.method === 'GET' && !/^\/(v1|docs)(\/|$)/.test(request.url) && request.headers.accept?.includes('text/html'))
      return reply
        .type('text/html')
        .header('cache-control', 'no-cache')
        .send(fs.createReadStream(path.join(webDist, 'index.html')));
    return reply.status(404).send(envelope('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });

  await platform.queue.start({ workers: config.jobs.workers });
  app.addHook('onClose', async () => {
    await platform.queue.stop(config.shutdownTimeoutMs);
    platform.mailer.close();
    await platform.redis?.close();
    if (platform.ownsDatabase) await platform.database.close();
  });
  app.decorate('platform', platform);
  return app;
}

/** Vite fingerprints everything under assets/, so those files never change; the rest must be revalidated. */
function immutableAssets(reply: FastifyReply, filePath: string) {
  reply.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

declare module 'fastify' {
  interface FastifyInstance {
    platform: Platform;
  }
}
