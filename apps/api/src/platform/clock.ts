/** Time source; tests pass a controllable one to move past expiries without waiting. */
export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

export function manualClock(start = new Date()): Clock & { advance(ms: number): void; set(d: Date): void } {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
    set: (d) => {
      t = d.getTime();
    },
  };
}
