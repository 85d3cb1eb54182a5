import type { LocationUpdate } from '@walkydoggy/shared';
import type { Platform } from '../../app.js';

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
  bookingChanged(event: { bookingId: string; status: string }): void;
  /** Writes buffered points now (completion, shutdown, tests). */
  flush(): Promise<void>;
};

// STUB — replaced by the track helper.
export function createTracks(_p: Platform): Tracks {
  return {
    async recordLive() {
      return { recorded: false };
    },
    bookingChanged() {},
    async flush() {},
  };
}
