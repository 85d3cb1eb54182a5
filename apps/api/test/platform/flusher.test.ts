import { afterEach, expect, it, vi } from 'vitest';
import { createFlusher } from '../../src/platform/flusher.js';

afterEach(() => vi.useRealTimers());

it('writes once per delay however often it is scheduled, and flush writes at once', async () => {
  vi.useFakeTimers();
  const write = vi.fn(async () => {});
  const flusher = createFlusher(200, write);
  flusher.schedule();
  flusher.schedule();
  await vi.advanceTimersByTimeAsync(199);
  expect(write).toHaveBeenCalledTimes(0);
  await vi.advanceTimersByTimeAsync(1);
  expect(write).toHaveBeenCalledTimes(1);
  flusher.schedule();
  await flusher.flush();
  expect(write).toHaveBeenCalledTimes(2);
  // The flush took the scheduled write's place: nothing more when its time comes.
  await vi.advanceTimersByTimeAsync(500);
  expect(write).toHaveBeenCalledTimes(2);
});

it('never runs two writes at once, and a failed write does not stop the next', async () => {
  let running = 0;
  let most = 0;
  let calls = 0;
  const flusher = createFlusher(1000, async () => {
    calls++;
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    if (calls === 1) throw new Error('database down');
  });
  const results = await Promise.allSettled([flusher.flush(), flusher.flush(), flusher.flush()]);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
  expect(most).toBe(1);
  flusher.cancel();
});
