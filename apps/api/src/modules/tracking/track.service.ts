import type { FastifyInstance } from 'fastify';
import type { Eta, LocationUpdate } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { createLiveRecorder } from './track.live.js';
import { workerOfBooking } from './track.queries.js';

export type TrackWorker = { id: string; userId: string; businessId: string };

export type Tracks = {
  /**
   * A live update already validated and rate-limited by presence: if the worker has a walk in
   * progress, buffers the point for the booking's track and broadcasts it to the booking's room; if
   * they are on their way to a confirmed booking, broadcasts the ETA. Never throws for a point that
   * is merely a duplicate or a jump (it is counted instead).
   */
  recordLive(worker: TrackWorker, update: LocationUpdate): Promise<{ recorded: boolean }>;
  /** After a booking's status change has committed: tell its room; on completion end the live view. */
  bookingChanged(event: { bookingId: string; status: string; onTheWayAt?: string | null }): void;
  /** Writes buffered points now (completion, shutdown, tests). */
  flush(): Promise<void>;
  // The members below are the live module's own; test doubles of Tracks (other modules' tests) may leave them out.
  /** The ETA this instance can tell from the worker's recent live updates (null: it has seen none). */
  etaFor?(workerId: string, destination: { lng: number; lat: number }): Eta | null;
  /** Tells every instance to forget the worker's active booking (it changed: on the way, started, ended). */
  invalidate?(event: { workerId?: string | null; bookingId?: string | null }): void;
  /** Logs through the app and writes what is buffered before the app closes (the routes plugin calls it). */
  attach?(app: FastifyInstance): void;
  /** Flushes and stops the timer (tests that build their own instance). */
  stop?(): Promise<void>;
};

const INVALIDATE = 'tracking:invalidate';
const ENDED = new Set(['completed', 'cancelled', 'declined', 'expired']);

export function createTracks(p: Platform): Required<Tracks> {
  let logger: { error(obj: object, msg: string): void } = { error: () => {} };
  const live = createLiveRecorder(p, () => logger);

  p.realtime.onServer(INVALIDATE, (payload) => live.invalidate((payload ?? {}) as { workerId?: string; bookingId?: string }));

  const invalidate = (event: { workerId?: string | null; bookingId?: string | null }) => p.realtime.broadcastServer(INVALIDATE, event);

  return {
    recordLive: (worker, update) => live.recordLive(worker, update),
    flush: () => live.flush(),
    etaFor: (workerId, destination) => live.etaFor(workerId, destination),
    invalidate,

    bookingChanged({ bookingId, status, onTheWayAt }) {
      p.realtime.toBooking(bookingId, 'booking:status', { bookingId, status, ...(onTheWayAt !== undefined ? { onTheWayAt } : {}) });
      const ended = ENDED.has(status);
      // The live view ends with the walk: nobody stays in the room to see what follows.
      if (ended) p.realtime.closeBookingRoom(bookingId);
      void (async () => {
        // This instance forgets at once; the others when the invalidation reaches them.
        live.invalidate({ bookingId });
        if (status === 'completed') await live.flush();
        invalidate({ workerId: await workerOfBooking(p.db, bookingId), bookingId });
      })().catch((err: unknown) => logger.error({ err, bookingId }, 'forgetting a booking after its status change failed'));
    },

    attach(app) {
      logger = app.log;
      // preClose: the database is still open; points that arrive while requests drain go out onClose.
      app.addHook('preClose', async () => live.flush());
      app.addHook('onClose', async () => live.stop());
    },

    stop: () => live.stop(),
  };
}
