import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../app.js';

// STUB — replaced by the notifications helper: notifications.deliver, notifications.cleanup (hourly).
export function registerNotificationJobs(_app: FastifyInstance, _p: Platform) {}
