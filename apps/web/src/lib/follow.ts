/**
 * Whether the live walk map follows the walker. It does from the start and re-centres on each new
 * position, until the owner pans, zooms or rotates the map by hand; "Follow walker" turns it back on.
 */
export type FollowEvent =
  /** A new position of the walker arrived. */
  | { kind: 'position' }
  /** The person moved the map themselves (a drag, a wheel, a pinch, the zoom buttons). */
  | { kind: 'manual-move' }
  /** The person pressed "Follow walker". */
  | { kind: 'resume' };

export type FollowStep = { following: boolean; recentre: boolean };

export function followStep(following: boolean, event: FollowEvent): FollowStep {
  switch (event.kind) {
    case 'position':
      return { following, recentre: following };
    case 'manual-move':
      return { following: false, recentre: false };
    case 'resume':
      return { following: true, recentre: true };
  }
}

/** MapLibre movement events carry the DOM event that caused them only when a person caused them. */
export function isManualMove(event: { originalEvent?: unknown }): boolean {
  return event.originalEvent !== undefined && event.originalEvent !== null;
}
