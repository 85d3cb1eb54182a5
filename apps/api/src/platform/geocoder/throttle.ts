import { ServiceUnavailable } from '../errors.js';

/**
 * Calls to a provider at most `perSecond` a second (in this instance). Calls wait their turn in a
 * bounded queue: one that would wait longer than `maxWaitMs` is refused at once with a 503, so a
 * burst never builds an unbounded backlog (or unbounded memory) behind a slow provider.
 */
export function createThrottle(opts: { perSecond: number; maxWaitMs: number; now?: () => number; sleep?: (ms: number) => Promise<void> }) {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const interval = 1000 / opts.perSecond;
  /** The earliest time the next call may start. */
  let nextAt = 0;
  return {
    async run<T>(call: () => Promise<T>): Promise<T> {
      const t = now();
      const startAt = Math.max(t, nextAt);
      const wait = startAt - t;
      if (wait > opts.maxWaitMs) throw new ServiceUnavailable('The address search is busy. Try again in a moment.', Math.ceil(wait / 1000));
      nextAt = startAt + interval;
      if (wait > 0) await sleep(wait);
      return call();
    },
  };
}
