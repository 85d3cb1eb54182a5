/** Answers of the live-walk API (docs/api/live.md) for store and page tests. */
import type { TrackingView, TrackPoint, WalkEvent, WalkReport } from '@walkydoggy/shared';
import { BOOKING, WORKER } from '../../test/bookingFixtures';

export const point = (at: string, lng: number, lat: number): TrackPoint => ({ at, lng, lat, accuracyM: 5 });

export function aTrackingView(overrides: Partial<TrackingView> = {}): TrackingView {
  return {
    bookingId: BOOKING,
    status: 'in_progress',
    live: true,
    onTheWayAt: null,
    startedAt: '2025-06-02T07:00:00.000Z',
    completedAt: null,
    worker: { id: WORKER, firstName: 'Will', photoUrl: null },
    destination: { lng: 13.4, lat: 52.52 },
    segments: [[point('2025-06-02T07:00:00.000Z', 13.4, 52.52), point('2025-06-02T07:00:10.000Z', 13.401, 52.52)]],
    lastPoint: point('2025-06-02T07:00:10.000Z', 13.401, 52.52),
    eta: null,
    events: [],
    stats: { points: 2, duplicates: 0, jumps: 0, distanceMeters: 68, durationSeconds: 10 },
    ...overrides,
  };
}

export function aWalkEvent(overrides: Partial<WalkEvent> = {}): WalkEvent {
  return {
    id: '99999999-9999-4999-8999-999999999991',
    kind: 'pee',
    at: '2025-06-02T07:05:00.000Z',
    lng: 13.401,
    lat: 52.52,
    note: null,
    photoUrl: null,
    mediaId: null,
    ...overrides,
  };
}

export function aWalkReport(overrides: Partial<WalkReport> = {}): WalkReport {
  return {
    bookingId: BOOKING,
    number: 'WD-7K3M-9Q2P',
    serviceName: 'Solo walk',
    petNames: ['Bello'],
    worker: { id: WORKER, firstName: 'Will', photoUrl: null },
    startedAt: '2025-06-02T07:00:00.000Z',
    endedAt: '2025-06-02T07:47:00.000Z',
    durationSeconds: 47 * 60,
    distanceMeters: 3240,
    route: [
      [
        [13.4, 52.52],
        [13.41, 52.52],
      ],
      [
        [13.42, 52.521],
        [13.43, 52.522],
      ],
    ],
    events: [aWalkEvent(), aWalkEvent({ id: '99999999-9999-4999-8999-999999999992', kind: 'water', at: '2025-06-02T07:20:00.000Z' })],
    counts: { pee: 1, poo: 0, water: 1, food: 0, photo: 1, note: 0 },
    photos: [{ mediaId: '12121212-1212-4212-8212-121212121212', url: '/v1/media/12121212-1212-4212-8212-121212121212/file' }],
    notes: 'Bello loved the pond.',
    stats: { points: 120, duplicates: 0, jumps: 1, distanceMeters: 3240, durationSeconds: 47 * 60 },
    ...overrides,
  };
}
