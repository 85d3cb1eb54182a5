import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/platform.js';
import type { Tracks } from './track.service.js';
import { registerPresenceSweep } from './presence.sweep.js';
import { registerReportJob } from './report.job.js';

/** tracking.report (track helper) and tracking.presence-sweep (presence helper). */
export function registerTrackingJobs(app: FastifyInstance, p: Platform, tracks: Tracks) {
  registerReportJob(app, p, tracks);
  registerPresenceSweep(app, p);
}
