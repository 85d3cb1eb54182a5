import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/platform.js';
import { buildReport } from './report.js';
import type { Tracks } from './track.service.js';

/** `tracking.report {bookingId}`: enqueued by the booking's completion and by late points; builds the walk report. */
export function registerReportJob(_app: FastifyInstance, p: Platform, tracks: Tracks) {
  p.queue.handle('tracking.report', async ({ bookingId }) => buildReport(p, tracks, bookingId));
}
