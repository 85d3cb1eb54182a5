/** Live walks (docs/api/live.md): a booking's track, walk events, the report, and a worker going online. */
import type { JobCard, LocationPoint, TrackBatch, TrackBatchResult, TrackingView, WalkEvent, WalkEventInput, WalkReport } from '@walkydoggy/shared';
import { api } from './client';

export type Presence = { workerId: string; online: boolean; onlineAt?: string };

export const trackingApi = {
  view: (bookingId: string) => api.get<TrackingView>(`/bookings/${bookingId}/tracking`),
  /** 404 until the walk is completed and its report is made. */
  report: (bookingId: string) => api.get<WalkReport>(`/bookings/${bookingId}/report`),
  /** The worker's job card: address, care notes, the owner's notes (and phone while confirmed or in progress). */
  jobCard: (bookingId: string) => api.get<JobCard>(`/bookings/${bookingId}/job`),
  onTheWay: (bookingId: string) => api.post<TrackingView>(`/bookings/${bookingId}/on-the-way`),
  /** What the worker's device buffered while it could not send live (at most TRACK_BATCH_MAX points). */
  points: (bookingId: string, points: TrackBatch['points']) => api.post<TrackBatchResult>(`/bookings/${bookingId}/tracking/points`, { points }),
  /** 201 for a new event, 200 when the same `clientId` was already stored. */
  walkEvent: (bookingId: string, event: WalkEventInput) => api.post<WalkEvent>(`/bookings/${bookingId}/walk-events`, event),
  online: (workerId: string, location?: LocationPoint) => api.post<Presence>(`/workers/${workerId}/online`, location ? { location } : {}),
  offline: (workerId: string) => api.post<Presence>(`/workers/${workerId}/offline`),
};
