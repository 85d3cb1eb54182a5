import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../app.js';
import type { Tracks } from './track.service.js';

/** tracking.report (track helper) and tracking.presence-sweep (presence helper). */
export function registerTrackingJobs(app: FastifyInstance, p: Platform, tracks: Tracks) {
  registerReportJob(app, p, tracks);
  registerPresenceSweep(app, p);
}

// STUB — the track helper owns this function (may move it to its own file and import it here).
function registerReportJob(_app: FastifyInstance, _p: Platform, _tracks: Tracks) {}
// STUB — the presence helper owns this function (may move it to its own file and import it here).
function registerPresenceSweep(_app: FastifyInstance, _p: Platform) {}
