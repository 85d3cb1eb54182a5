import { describe, expect, it } from 'vitest';
import { followStep, isManualMove, type FollowEvent } from './follow';

/** Runs the events from the start (following) and returns each step. */
function run(events: FollowEvent[]) {
  let following = true;
  return events.map((event) => {
    const step = followStep(following, event);
    following = step.following;
    return step;
  });
}

describe('following the walker', () => {
  it('re-centres on every position while following', () => {
    expect(run([{ kind: 'position' }, { kind: 'position' }])).toEqual([
      { following: true, recentre: true },
      { following: true, recentre: true },
    ]);
  });

  it('stops after a manual pan or zoom and leaves the view alone on later positions', () => {
    expect(run([{ kind: 'position' }, { kind: 'manual-move' }, { kind: 'position' }, { kind: 'position' }])).toEqual([
      { following: true, recentre: true },
      { following: false, recentre: false },
      { following: false, recentre: false },
      { following: false, recentre: false },
    ]);
  });

  it('"Follow walker" re-centres at once and follows again', () => {
    expect(run([{ kind: 'manual-move' }, { kind: 'resume' }, { kind: 'position' }])).toEqual([
      { following: false, recentre: false },
      { following: true, recentre: true },
      { following: true, recentre: true },
    ]);
  });

  it('counts only moves a person made as manual', () => {
    expect(isManualMove({ originalEvent: new Event('mousedown') })).toBe(true);
    expect(isManualMove({})).toBe(false);
    expect(isManualMove({ originalEvent: undefined })).toBe(false);
  });
});
